//! Lexer: turns formula text into tokens with 1-based character columns.

use rust_decimal::Decimal;

use super::FormulaError;

/// The kind of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tok {
    Number(Decimal),
    /// Text in double quotes (`"signed"`); the token's text keeps the quotes.
    Text,
    Ident,
    True,
    False,
    And,
    Or,
    Not,
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Slash,
    Lt,
    Le,
    Gt,
    Ge,
    EqEq,
    Ne,
    /// End of the formula; always the last token.
    End,
}

/// A token, its 1-based character column and its text in the source.
#[derive(Debug, Clone, Copy)]
pub(super) struct Token<'a> {
    pub kind: Tok,
    pub column: usize,
    pub text: &'a str,
}

impl Token<'_> {
    /// How the token is named in "unexpected ..." messages.
    pub fn describe(&self) -> String {
        match self.kind {
            Tok::End => "end of formula".to_owned(),
            _ => format!("`{}`", self.text),
        }
    }
}

/// Split `source` into tokens. The result always ends with a [`Tok::End`] token whose column is
/// one past the last character.
// `i` only moves past characters that exist, so every index and column here is at most
// `chars.len() + 1`; a Vec of 16-byte (usize, char) pairs is far shorter than usize::MAX.
#[allow(clippy::arithmetic_side_effects)]
pub(super) fn tokenize(source: &str) -> Result<Vec<Token<'_>>, FormulaError> {
    let chars: Vec<(usize, char)> = source.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let byte = |i: usize| chars.get(i).map_or(source.len(), |&(b, _)| b);
    let text = |start: usize, end: usize| source.get(byte(start)..byte(end)).unwrap_or("");

    let mut tokens = Vec::new();
    let mut i = 0;
    while let Some(c) = at(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let column = start + 1;
        let kind = match c {
            '0'..='9' => {
                while at(i).is_some_and(|c| c.is_ascii_digit()) {
                    i += 1;
                }
                if at(i) == Some('.') {
                    i += 1;
                    if !at(i).is_some_and(|c| c.is_ascii_digit()) {
                        return Err(FormulaError::new(
                            column,
                            format!("the number `{}` needs digits after the `.`", text(start, i)),
                        ));
                    }
                    while at(i).is_some_and(|c| c.is_ascii_digit()) {
                        i += 1;
                    }
                }
                if let Some(next) =
                    at(i).filter(|c| c.is_ascii_alphabetic() || *c == '_' || *c == '.')
                {
                    return Err(FormulaError::new(
                        i + 1,
                        format!(
                            "unexpected `{next}` right after the number `{}`",
                            text(start, i)
                        ),
                    ));
                }
                let literal = text(start, i);
                match Decimal::from_str_exact(literal) {
                    Ok(value) => Tok::Number(value),
                    Err(_) => {
                        return Err(FormulaError::new(
                            column,
                            format!(
                                "the number `{literal}` has too many digits to be stored exactly \
                                 (at most 28 digits)"
                            ),
                        ))
                    }
                }
            }
            '"' => {
                i += 1;
                while at(i).is_some_and(|c| c != '"' && c != '\n') {
                    i += 1;
                }
                if at(i) != Some('"') {
                    return Err(FormulaError::new(
                        column,
                        "text in quotes needs a closing `\"` on the same line",
                    ));
                }
                i += 1;
                Tok::Text
            }
            'a'..='z' | 'A'..='Z' | '_' => {
                while at(i).is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                    i += 1;
                }
                match text(start, i) {
                    "and" => Tok::And,
                    "or" => Tok::Or,
                    "not" => Tok::Not,
                    "true" => Tok::True,
                    "false" => Tok::False,
                    _ => Tok::Ident,
                }
            }
            _ => {
                let next = at(i + 1);
                let (kind, len) = match (c, next) {
                    ('(', _) => (Tok::LParen, 1),
                    (')', _) => (Tok::RParen, 1),
                    (',', _) => (Tok::Comma, 1),
                    ('+', _) => (Tok::Plus, 1),
                    ('-', _) => (Tok::Minus, 1),
                    ('*', _) => (Tok::Star, 1),
                    ('/', _) => (Tok::Slash, 1),
                    ('<', Some('=')) => (Tok::Le, 2),
                    ('<', _) => (Tok::Lt, 1),
                    ('>', Some('=')) => (Tok::Ge, 2),
                    ('>', _) => (Tok::Gt, 1),
                    ('=', Some('=')) => (Tok::EqEq, 2),
                    ('!', Some('=')) => (Tok::Ne, 2),
                    _ => return Err(FormulaError::new(column, unexpected_char(c, next))),
                };
                i += len;
                kind
            }
        };
        tokens.push(Token {
            kind,
            column,
            text: text(start, i),
        });
    }
    tokens.push(Token {
        kind: Tok::End,
        column: chars.len() + 1,
        text: "",
    });
    Ok(tokens)
}

/// The message for a character that cannot start a token, with a hint where one helps.
fn unexpected_char(c: char, next: Option<char>) -> String {
    let hint = match (c, next) {
        ('=', _) => Some("to compare, use `==`"),
        ('!', _) => Some("use `not` for \"not\", or `!=` for \"not equal\""),
        ('&', _) => Some("use `and`"),
        ('|', _) => Some("use `or`"),
        ('.', Some('0'..='9')) => Some("numbers start with a digit: write `0.5`, not `.5`"),
        ('%', _) => Some("there is no `%` operator; divide by 100 instead"),
        _ => None,
    };
    // Full-width forms (e.g. `（`, `，`, `＋` typed with a Chinese input method) of ASCII symbols.
    let ascii = u32::from(c)
        .checked_sub(0xFEE0)
        .filter(|_| ('\u{FF01}'..='\u{FF5E}').contains(&c))
        .and_then(char::from_u32);
    match (hint, ascii) {
        (Some(hint), _) => format!("unexpected character `{c}`: {hint}"),
        (None, Some(ascii)) => format!("unexpected character `{c}`: did you mean `{ascii}`?"),
        (None, None) => format!("unexpected character `{c}`"),
    }
}
