//! File paths ↔ `file://` URIs, percent-encoding what a URI path may not hold.

pub fn from_path(path: &str) -> String {
    let mut out = String::from("file://");
    if !path.starts_with('/') {
        out.push('/');
    }
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The path of a `file://` URI, or `None` for any other scheme.
pub fn to_path(uri: &str) -> Option<String> {
    let rest = uri.strip_prefix("file://")?;
    let path = match rest.find('/') {
        Some(i) => &rest[i..],
        None => return None,
    };
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Hex digits are read as bytes: a `%` before a multibyte character
        // stays a literal `%`.
        if bytes[i] == b'%' {
            if let (Some(hi), Some(lo)) = (
                bytes.get(i + 1).copied().and_then(hex_digit),
                bytes.get(i + 2).copied().and_then(hex_digit),
            ) {
                out.push(hi << 4 | lo);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    let decoded = String::from_utf8(out).ok()?;
    // `file:///C:/x` → `C:/x` on Windows-style paths.
    if decoded.len() > 2 && decoded.as_bytes()[2] == b':' {
        return Some(decoded[1..].to_string());
    }
    Some(decoded)
}

fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_spaces_and_unicode() {
        let path = "/w/my flows/ワーク.asl.json";
        let uri = from_path(path);
        assert_eq!(uri, "file:///w/my%20flows/%E3%83%AF%E3%83%BC%E3%82%AF.asl.json");
        assert_eq!(to_path(&uri).as_deref(), Some(path));
        assert_eq!(to_path("untitled:1"), None);
    }

    #[test]
    fn percent_before_a_multibyte_character_is_kept() {
        assert_eq!(to_path("file:///a%é.json").as_deref(), Some("/a%é.json"));
        assert_eq!(to_path("file:///a%4é").as_deref(), Some("/a%4é"));
        assert_eq!(to_path("file:///a%ワ").as_deref(), Some("/a%ワ"));
        assert_eq!(to_path("file:///a%").as_deref(), Some("/a%"));
        assert_eq!(to_path("file:///a%4").as_deref(), Some("/a%4"));
        assert_eq!(to_path("file:///a%41").as_deref(), Some("/aA"));
        assert_eq!(to_path("file:///a%+1").as_deref(), Some("/a%+1"));
        // Decodes to bytes that are not UTF-8.
        assert_eq!(to_path("file:///a%FF"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_string_decodes_without_panic(s in "\\PC*") {
            let _ = to_path(&s);
            let _ = to_path(&format!("file:///{s}"));
        }

        #[test]
        fn any_path_round_trips(path in "/\\PC*") {
            proptest::prop_assert_eq!(to_path(&from_path(&path)), Some(path.clone()).map(|p| windows(&p)));
        }
    }

    /// What `to_path` makes of a path that looks like `/C:/…`.
    fn windows(path: &str) -> String {
        if path.len() > 2 && path.as_bytes()[2] == b':' {
            path[1..].to_string()
        } else {
            path.to_string()
        }
    }
}
