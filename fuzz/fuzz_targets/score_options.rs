//! Fuzz target `score_options`: see `perfscore_fuzz::score_options` (fuzz/src/lib.rs) for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfscore_fuzz::assert_oracles(perfscore_fuzz::score_options(data));
});
