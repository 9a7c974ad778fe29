//! Process-wide settings the app and the CLI apply first thing in `main`.

/// Lets a command whose output is cut short by its reader (`showroom search … | head`)
/// end quietly, as other command-line tools do, instead of failing on a broken pipe.
///
/// Rust ignores `SIGPIPE`, so a write to a closed pipe is an error, and `println!` turns
/// that error into a panic. A long-running server keeps ignoring it; a command that
/// prints and exits takes the default (the process ends when its reader is gone).
pub fn end_on_broken_pipe() {
    #[cfg(unix)]
    {
        // SAFETY: sets the disposition of one signal to the default; no handler of ours
        // runs, and nothing else in this process relies on SIGPIPE being ignored (sockets
        // are written with MSG_NOSIGNAL).
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
}

/// Asks the kernel for no transparent huge pages in this process.
///
/// mimalloc marks its heap for huge pages, and where the kernel's THP mode is `madvise`
/// (Debian's default) or `always`, touching one byte of a 2 MiB region makes all of it
/// resident. Measured on the sample catalog, the app's own memory was 93 MiB of anonymous
/// pages with huge pages and 55 MiB without; `showroom serve` on 100,000 products went
/// from 869 MiB to 556 MiB resident at the same searches per second (docs/memory.md).
pub fn small_pages() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours; it
        // only sets a flag on this process's address space (inherited by children).
        let refused = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) } != 0;
        if refused {
            // An old kernel without the call: the process works, with more memory.
            tracing::debug!("transparent huge pages could not be turned off");
        }
    }
}
