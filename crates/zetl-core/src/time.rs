//! How every report, message and progress line writes a time.

use chrono::{DateTime, Utc};

/// RFC 3339 in UTC to the second, with `Z` (`2026-11-28T09:52:00Z`): the one format users
/// see, in every language and output format.
pub fn timestamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_and_z() {
        let t = DateTime::parse_from_rfc3339("2026-11-28T09:52:00.123+00:00").unwrap();
        assert_eq!(timestamp(t.with_timezone(&Utc)), "2026-11-28T09:52:00Z");
    }
}
