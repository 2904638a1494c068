//! Text as exports write it: the one trimming rule every reader of cells shares, at the bottom
//! of the core's layers (the number rule, dates and the fact loader all use it).

/// `text` without the whitespace around it (as [`str::trim`]), at the cost of two byte tests for
/// the cells of an export, which mostly have none.
pub(crate) fn trimmed(text: &str) -> &str {
    let bytes = text.as_bytes();
    // ASCII whitespace for `trim` is `is_ascii_whitespace` and the vertical tab.
    let plain =
        |b: Option<&u8>| b.is_some_and(|&b| b.is_ascii() && !b.is_ascii_whitespace() && b != 0x0b);
    if plain(bytes.first()) && plain(bytes.last()) {
        return text;
    }
    text.trim()
}

#[cfg(test)]
mod tests {
    #[test]
    fn trimmed_is_trim() {
        let texts = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r\n",
            "\u{b}a\u{b}",
            "\u{a0}x",
            "x\u{3000}",
            "客户",
            "\u{85}",
            "a b",
        ];
        for t in texts {
            assert_eq!(super::trimmed(t), t.trim(), "{t:?}");
        }
    }
}
