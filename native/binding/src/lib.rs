//! The N-API binding of myelin-core. Thin: convert buffers, call the core, convert back.
use napi_derive::napi;

#[napi]
pub fn version() -> u32 {
    myelin_core::version()
}
