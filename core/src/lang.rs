//! The languages perfscore writes explanations and problem messages in.

/// Language of an explanation or a problem message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Simplified Chinese.
    Zh,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "en-us" | "en-gb" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" => Ok(Lang::Zh),
            other => Err(format!("unknown language `{other}`: use `en` or `zh`")),
        }
    }
}
