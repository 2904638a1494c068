//! Fuzz target `plan_json`: see `perfscore_fuzz::plan_json` (fuzz/src/lib.rs) for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfscore_fuzz::assert_oracles(perfscore_fuzz::plan_json(data));
});
