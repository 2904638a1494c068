//! Fuzz target `totals`: see `perfscore_fuzz::totals` (fuzz/src/lib.rs) for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfscore_fuzz::assert_oracles(perfscore_fuzz::totals(data));
});
