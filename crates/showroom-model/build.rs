// The locale files are embedded at compile time; without this line an edit to them would
// not rebuild the crate and a stale binary would silently miss it.
fn main() {
    println!("cargo:rerun-if-changed=../../locales");
}
