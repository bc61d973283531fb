//! Myelin's kernels, pure and synchronous: bytes in, bytes out.
#![no_std]
extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

pub fn version() -> u32 { 1 }
pub mod base64;
pub mod simd;
pub mod utf16;

pub mod json;
pub mod verify;
pub mod stateres;
