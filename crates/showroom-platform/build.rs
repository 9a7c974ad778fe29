// Migrations are embedded at compile time; without this an edit to them would not
// rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
