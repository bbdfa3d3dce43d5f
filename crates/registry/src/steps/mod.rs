//! The registry's steps in SQL, written once for both engines against `crate::sql::Conn` (see `crate::sql` for
//! the dialect they keep to). `crate::storage::Storage` runs each in one transaction of whichever engine serves.

pub mod applications;
pub mod claims;
pub mod device;
pub mod idempotency;
pub mod kiosks;
pub mod offline;
pub mod outbox;
pub mod people;
pub mod reference;
pub mod staff;

use rand::RngCore;

/// A random 128-bit id in hex.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
