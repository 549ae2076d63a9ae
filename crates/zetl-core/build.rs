// The rule catalog and its translations are embedded with include_dir, which does not see a
// file added to rules/: rebuild when anything under rules/ changes.
fn main() {
    println!("cargo:rerun-if-changed=../../rules");
}
