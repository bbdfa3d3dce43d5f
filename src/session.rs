//! The applicant's session: everything they entered lives here and is dropped as a whole on sign-out or timeout.

use pdo_core::api::Account;

#[derive(Debug)]
pub struct Session {
    pub token: String,
    pub account: Account,
}
