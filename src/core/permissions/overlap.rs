//! Whether two ARN patterns can name the same resource.

/// Whether some ARN matches both IAM wildcard patterns (`*` any run, `?`
/// one character), compared case-sensitively as ARNs are. A wildcard stays
/// in its ARN segment (partition, service, region, account; the resource
/// part is one segment): a `*` that stands for an unknown region does not
/// reach into the resource.
pub fn patterns_intersect(a: &str, b: &str) -> bool {
    let (sa, sb): (Vec<&str>, Vec<&str>) = (a.splitn(6, ':').collect(), b.splitn(6, ':').collect());
    if sa.len() == 6 && sb.len() == 6 && sa[0] == "arn" && sb[0] == "arn" {
        return sa.iter().zip(&sb).all(|(x, y)| globs_intersect(x, y));
    }
    globs_intersect(a, b)
}

fn globs_intersect(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // Positions (i, j) already reached; the search visits each once.
    let width = b.len() + 1;
    let mut seen = vec![false; (a.len() + 1) * width];
    let mut stack = vec![(0usize, 0usize)];
    while let Some((i, j)) = stack.pop() {
        if std::mem::replace(&mut seen[i * width + j], true) {
            continue;
        }
        if i == a.len() && j == b.len() {
            return true;
        }
        let (pa, pb) = (a.get(i).copied(), b.get(j).copied());
        if pa == Some(b'*') {
            stack.push((i + 1, j));
            if j < b.len() {
                stack.push((i, j + 1));
            }
        }
        if pb == Some(b'*') {
            stack.push((i, j + 1));
            if i < a.len() {
                stack.push((i + 1, j));
            }
        }
        if let (Some(x), Some(y)) = (pa, pb) {
            if x != b'*' && y != b'*' && (x == y || x == b'?' || y == b'?') {
                stack.push((i + 1, j + 1));
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::patterns_intersect;

    #[test]
    fn patterns_intersect_within_segments() {
        assert!(patterns_intersect(
            "arn:aws:glue:*:*:crawler/c-*",
            "arn:aws:glue:us-east-1:123456789012:crawler/*"
        ));
        assert!(patterns_intersect(
            "arn:aws:states:*:*:execution:*:*",
            "arn:aws:states:us-east-1:123456789012:execution:Worker-*"
        ));
        // The region's `*` does not reach into the resource.
        assert!(!patterns_intersect(
            "arn:aws:states:*:*:execution:*_Run:*",
            "arn:aws:states:*:*:stateMachine:*_Run"
        ));
        assert!(!patterns_intersect("arn:aws:s3:::a/*", "arn:aws:s3:::b/*"));
        assert!(patterns_intersect("*", "arn:aws:s3:::b/*"));
    }
}
