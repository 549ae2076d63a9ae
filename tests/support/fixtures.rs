//! The path of a file under `fixtures/`, as the CLI tests pass it to `--from`.

use std::path::Path;

pub fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
        .display()
        .to_string()
}
