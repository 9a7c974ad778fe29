// No console window beside the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

// Building the search index makes many small allocations on every core; mimalloc serves
// them at a fraction of the system allocator's cost (the same allocator as `showroom`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    showroom_core::process::small_pages();
    sco_showroom_lib::run();
}
