//! A cache hint: ask the CPU to start loading the line that holds a value the scorer will read
//! soon, so that the many independent table and posting-list misses of one text overlap instead
//! of stalling one after the other. Where the target has no such instruction it does nothing.

/// Hints that `*p` will be read soon. Never reads or faults: `p` may point anywhere.
#[inline(always)]
pub(crate) fn prefetch<T>(p: *const T) {
    #[cfg(target_arch = "x86_64")]
    #[allow(unsafe_code)]
    // SAFETY: PREFETCHT0 is a hint; it does not access memory architecturally and cannot fault,
    // whatever the address. SSE is part of the x86_64 baseline, so the instruction exists.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}
