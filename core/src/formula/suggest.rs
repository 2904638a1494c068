//! "Did you mean ...?" suggestions for unknown names and functions (compile time only).
//!
//! Plain string matching: the parser passes in what is known (names through a resolver, the
//! function names as a list), so this module needs nothing from it.

/// Reserved words.
const KEYWORDS: [&str; 5] = ["and", "or", "not", "true", "false"];

/// Characters tried when inserting or replacing one character of a name.
const NAME_CHARS: &str = "abcdefghijklmnopqrstuvwxyz0123456789_";

/// Names longer than this get no edit-based suggestion (it would cost too many lookups).
const MAX_SUGGEST_LEN: usize = 40;

/// A known name (or keyword) close to `unknown`: the same up to letter case, or one edit away
/// (one character deleted, inserted, replaced, or two neighbours swapped).
pub(crate) fn name(unknown: &str, resolve: &dyn Fn(&str) -> Option<usize>) -> Option<String> {
    let lower = unknown.to_ascii_lowercase();
    if KEYWORDS.contains(&lower.as_str()) {
        return Some(lower);
    }
    if lower != unknown && resolve(&lower).is_some() {
        return Some(lower);
    }
    if unknown.len() > MAX_SUGGEST_LEN || !unknown.is_ascii() {
        return None;
    }
    one_edit(unknown)
        .into_iter()
        .find(|candidate| is_name(candidate) && resolve(candidate).is_some())
}

/// One of the `known` function names that is `unknown` up to letter case or within two edits of
/// it (the first of the closest, in the order given).
pub(super) fn function(
    unknown: &str,
    known: impl IntoIterator<Item = &'static str>,
) -> Option<&'static str> {
    let lower = unknown.to_ascii_lowercase();
    known
        .into_iter()
        .map(|name| (distance(&lower, name), name))
        .filter(|&(d, name)| d == 0 || (d == 1 && name.len() > 2) || (d == 2 && name.len() > 4))
        .min_by_key(|&(d, _)| d)
        .map(|(_, name)| name)
}

fn is_name(candidate: &str) -> bool {
    candidate
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && !KEYWORDS.contains(&candidate)
}

/// All strings one edit away from `word` (ASCII only), most likely typos first.
fn one_edit(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let splice = |before: &[char], middle: &[char], after: &[char]| -> String {
        before.iter().chain(middle).chain(after).collect()
    };
    let mut out = Vec::new();
    for i in 0..=chars.len() {
        let (before, rest) = chars.split_at(i);
        // Insertion before position i.
        for c in NAME_CHARS.chars() {
            out.push(splice(before, &[c], rest));
        }
        if let Some((_, after)) = rest.split_first() {
            // Deletion of position i.
            out.push(splice(before, &[], after));
            // Replacement of position i.
            for c in NAME_CHARS.chars() {
                out.push(splice(before, &[c], after));
            }
            // Swap of positions i and i + 1.
            if let [a, b, after @ ..] = rest {
                out.push(splice(before, &[*b, *a], after));
            }
        }
    }
    out.retain(|candidate| candidate != word);
    out
}

/// Optimal-string-alignment distance (Levenshtein plus adjacent swaps) between short strings.
// Every cell is a distance of at most a.len() + b.len() (the usize::MAX sentinel is never
// incremented), indices are below the lengths, and `- 1` only follows `i > 0 && j > 0`.
#[allow(clippy::arithmetic_side_effects)]
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Row i holds the distances between the first i chars of `a` and each prefix of `b`;
    // `previous` is row i, `two_back` row i - 1 (for swaps).
    let mut two_back: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &ac) in a.iter().enumerate() {
        let mut current = Vec::with_capacity(b.len() + 1);
        current.push(i + 1);
        for (j, &bc) in b.iter().enumerate() {
            let cost = usize::from(ac != bc);
            let deletion = previous.get(j + 1).map_or(usize::MAX, |d| d + 1);
            let insertion = current.get(j).map_or(usize::MAX, |d| d + 1);
            let substitution = previous.get(j).map_or(usize::MAX, |d| d + cost);
            let mut best = deletion.min(insertion).min(substitution);
            let swapped = i > 0 && j > 0 && a.get(i - 1) == Some(&bc) && b.get(j - 1) == Some(&ac);
            if swapped {
                if let Some(d) = two_back.get(j - 1) {
                    best = best.min(d + 1);
                }
            }
            current.push(best);
        }
        two_back = std::mem::replace(&mut previous, current);
    }
    previous.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("min", "min"), 0);
        assert_eq!(distance("mni", "min"), 1); // one swap
        assert_eq!(distance("clmp", "clamp"), 1); // one insertion
        assert_eq!(distance("rounds", "round"), 1); // one deletion
        assert_eq!(distance("abc", ""), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("sum", "min"), 3); // three replacements: s→m, u→i, m→n
    }

    #[test]
    fn function_suggestions() {
        let known = ["if", "min", "max", "clamp", "abs", "round"];
        assert_eq!(function("IF", known), Some("if"));
        assert_eq!(function("mni", known), Some("min"));
        assert_eq!(function("clmap", known), Some("clamp"));
        assert_eq!(function("sum", known), None);
        assert_eq!(function("avg", known), None);
    }

    #[test]
    fn name_suggestions() {
        let resolve = |n: &str| match n {
            "collected" => Some(0),
            "invoiced" => Some(1),
            _ => None,
        };
        assert_eq!(name("colected", &resolve).as_deref(), Some("collected")); // insertion
        assert_eq!(name("invoicde", &resolve).as_deref(), Some("invoiced")); // swap
        assert_eq!(name("Collected", &resolve).as_deref(), Some("collected")); // case
        assert_eq!(name("TRUE", &resolve).as_deref(), Some("true")); // keyword
        assert_eq!(name("revenue", &resolve), None);
    }
}
