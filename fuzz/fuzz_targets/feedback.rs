//! Fuzz target `feedback`: see `perfscore_fuzz::feedback` (fuzz/src/lib.rs) for the input format.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    perfscore_fuzz::assert_oracles(perfscore_fuzz::feedback(data));
});
