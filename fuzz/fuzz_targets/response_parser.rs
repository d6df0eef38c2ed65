//! libFuzzer entry point: `cargo fuzz run response_parser` (nightly).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    wsclient_fuzz::response_parser(data);
});
