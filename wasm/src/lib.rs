//! The wasm binding of myelin-core: `extern "C"` exports over linear memory.
#![no_std]
extern crate alloc;

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! { core::arch::wasm32::unreachable() }

#[no_mangle]
pub extern "C" fn myelin_version() -> u32 { myelin_core::version() }

#[global_allocator]
static ALLOC: dlmalloc::GlobalDlmalloc = dlmalloc::GlobalDlmalloc;
