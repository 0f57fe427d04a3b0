//! "Did you mean": the closest of some names to a misspelt one.

/// Levenshtein distance, bounded to short identifiers (state and field names).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().take(128).collect();
    let b: Vec<char> = b.chars().take(128).collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// Work one "did you mean" search may do, in characters read and character
/// pairs compared: a few hundred state-sized names. Each finding makes at
/// most one search, so a definition with thousands of unknown names against
/// thousands of candidates stays linear; past the budget the best so far
/// (or none) is the suggestion.
const SUGGESTION_BUDGET: usize = 8 * 1024;

/// The closest candidate within a third of the name's length, for "did you
/// mean" (the first of equally close ones), searched within
/// [`SUGGESTION_BUDGET`].
pub fn closest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let limit = (name.chars().count() / 3).max(1);
    let name: Vec<char> = name.to_lowercase().chars().take(128).collect();
    let mut best: Option<(usize, &str)> = None;
    let mut spent = 0usize;
    let mut other: Vec<char> = Vec::new();
    for candidate in candidates {
        spent += candidate.len() + 1;
        if spent > SUGGESTION_BUDGET {
            break;
        }
        // Only a strictly closer candidate replaces the best so far.
        let bound = match best {
            Some((0, _)) => break,
            Some((d, _)) => d - 1,
            None => limit,
        };
        // An ASCII name's length is known before it is lowered.
        if candidate.is_ascii() && candidate.len().min(128).abs_diff(name.len()) > bound {
            continue;
        }
        other.clear();
        other.extend(candidate.chars().flat_map(char::to_lowercase).take(128));
        if other.len().abs_diff(name.len()) > bound {
            continue;
        }
        spent += name.len() * other.len();
        if let Some(d) = bounded_distance(&name, &other, bound) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The Levenshtein distance of `a` and `b` if it is at most `bound`.
fn bounded_distance(a: &[char], b: &[char], bound: usize) -> Option<usize> {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        let mut smallest = row[0];
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(row[j + 1] + 1);
            smallest = smallest.min(row[j + 1]);
            previous = current;
        }
        if smallest > bound {
            return None;
        }
    }
    Some(row[b.len()]).filter(|d| *d <= bound)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closest_keeps_the_first_of_the_nearest() {
        assert_eq!(closest("Procss", ["Process", "Proces", "Other"]), Some("Process"));
        assert_eq!(
            closest("Proces", ["Other", "Procesz", "Process"]),
            Some("Procesz")
        );
        assert_eq!(closest("DONE", ["Fail", "done"]), Some("done"));
        assert_eq!(closest("Abc", ["Xyz", "Abcdef"]), None);
        assert_eq!(closest("", ["a", ""]), Some(""));
    }

    #[test]
    fn closest_stops_at_its_budget() {
        let many: Vec<String> = (0..10_000).map(|i| format!("Unrelated{i:05}")).collect();
        let names = || many.iter().map(String::as_str);
        // First: found; after thousands of others: past the budget.
        assert_eq!(
            closest("Targat", std::iter::once("Target").chain(names())),
            Some("Target")
        );
        assert_eq!(closest("Targat", names().chain(std::iter::once("Target"))), None);
    }
}
