//! The subjects of the registry's letters. The registry sends them; the kiosk tells people which letter to look for
//! and prints the subject on the forms of an application taken offline. One copy, so the two never drift apart.

pub const CONFIRMATION_SUBJECT: &str = "Заявка на сертификат ПДО. Подтверждение электронной почты";
pub const CERTIFICATE_SUBJECT: &str = "Сертификат дополнительного образования выдан";
pub const CLAIM_SUBJECT: &str = "Заявление на сертификат ПДО принято терминалом";
pub const REJECTED_SUBJECT: &str = "Заявление на сертификат ПДО не принято";
