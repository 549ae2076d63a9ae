//! `zetl completions SHELL` and `zetl man`: what a packager runs to install them.

use assert_cmd::Command;

fn stdout_of(args: &[&str]) -> String {
    let out = Command::cargo_bin("zetl")
        .unwrap()
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .clone();
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_are_scripts_for_each_shell_that_know_the_subcommands() {
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef zetl"),
        ("fish", "complete -c zetl"),
    ] {
        let script = stdout_of(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        assert!(script.contains("doctor"), "{shell}: no doctor");
        assert!(
            script.contains("source-profile"),
            "{shell}: no --source-profile"
        );
    }
    for shell in ["powershell", "elvish"] {
        assert!(
            stdout_of(&["completions", shell]).contains("doctor"),
            "{shell}"
        );
    }
    Command::cargo_bin("zetl")
        .unwrap()
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn man_prints_a_roff_page() {
    let page = stdout_of(&["man"]);
    assert!(page.contains(".TH zetl"), "{page}");
    assert!(page.contains("doctor"), "{page}");
    assert!(page.contains("\\-\\-debug"), "{page}");
    let doctor = stdout_of(&["man", "doctor"]);
    assert!(doctor.contains(".TH zetl-doctor 1"), "{doctor}");
}
