//! Durations: `--interval 15s`, `--timeout 1h30m` in, "3m 12s" out.

use std::time::Duration;

use crate::rules::messages::sentence;

/// Parses `500ms`, `15s`, `2m`, `1h`, `1d`, combinations such as `1h30m`, or a bare number
/// of seconds (`90`). `None` for anything else, or for an overflow.
pub fn parse(text: &str) -> Option<Duration> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let value: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let millis_per_unit: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            _ => return None,
        };
        total = total.checked_add(Duration::from_millis(value.checked_mul(millis_per_unit)?))?;
    }
    Some(total)
}

/// A duration as a reader wants it: `45s`, `3m 12s`, `2h 5m`, `1d 3h` (whole seconds; the
/// wording comes from the `[watch]` messages).
pub fn show(d: chrono::Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, minutes, seconds) = (
        secs / 86_400,
        secs % 86_400 / 3_600,
        secs % 3_600 / 60,
        secs % 60,
    );
    let n = |v: i64| v.to_string();
    if days > 0 {
        sentence("watch.duration_days", &[("d", &n(days)), ("h", &n(hours))])
    } else if hours > 0 {
        sentence(
            "watch.duration_hours",
            &[("h", &n(hours)), ("m", &n(minutes))],
        )
    } else if minutes > 0 {
        sentence(
            "watch.duration_minutes",
            &[("m", &n(minutes)), ("s", &n(seconds))],
        )
    } else {
        sentence("watch.duration_seconds", &[("s", &n(seconds))])
    }
}

/// [`show`] for a std duration.
pub fn show_std(d: Duration) -> String {
    show(chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse("15s"), Some(Duration::from_secs(15)));
        assert_eq!(parse("90"), Some(Duration::from_secs(90)));
        assert_eq!(parse("2m"), Some(Duration::from_secs(120)));
        assert_eq!(parse("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse("1d"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse("5ms"), Some(Duration::from_millis(5)));
        assert_eq!(parse(" 0s "), Some(Duration::ZERO));
        for bad in [
            "",
            "s",
            "15x",
            "1.5s",
            "-3s",
            "m5",
            "99999999999999999999d",
            "1h 30m",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn durations_show() {
        let s = chrono::Duration::seconds;
        assert_eq!(show(s(0)), "0s");
        assert_eq!(show(s(45)), "45s");
        assert_eq!(show(s(192)), "3m 12s");
        assert_eq!(show(s(7_500)), "2h 5m");
        assert_eq!(show(s(97_200)), "1d 3h");
        assert_eq!(show(s(-5)), "0s");
        assert_eq!(show_std(Duration::from_millis(22_500)), "22s");
    }
}
