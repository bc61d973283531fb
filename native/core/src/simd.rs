//! CPU feature checks shared by the kernels. With feature `std` they are made at
//! run time (the shipped addon is built for baseline x86-64 and must still use
//! AVX2 where the CPU has it); without it, at compile time (wasm32: simd128 is a
//! build flag; aarch64: NEON is part of the baseline).

/// AVX2 usable now (run time with `std`, else only if compiled in).
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn has_avx2() -> bool {
    #[cfg(feature = "std")]
    {
        std::is_x86_feature_detected!("avx2")
    }
    #[cfg(not(feature = "std"))]
    {
        cfg!(target_feature = "avx2")
    }
}

/// The CPU features `myelin doctor` reports, in a fixed order.
#[cfg(feature = "std")]
pub fn cpu_features() -> alloc::vec::Vec<&'static str> {
    #[allow(unused_mut)]
    let mut out = alloc::vec::Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        macro_rules! probe {
            ($($f:tt),*) => { $( if std::is_x86_feature_detected!($f) { out.push($f); } )* };
        }
        probe!("sse4.2", "avx2", "bmi2", "sha", "pclmulqdq", "avx512f", "avx512bw", "avx512vl", "avx512ifma", "avx512vbmi");
    }
    #[cfg(target_arch = "aarch64")]
    {
        if std::arch::is_aarch64_feature_detected!("neon") {
            out.push("neon");
        }
        if std::arch::is_aarch64_feature_detected!("sha2") {
            out.push("sha2");
        }
    }
    out
}
