//! Invented applications for the crash test, the benchmark and `pdo-kiosk queue drive`: fictional people whose
//! SNILS is derived from the application number (valid checksum, one child per number). Never real data.

use base64::Engine;
use chrono::Utc;
use pdo_core::api::{ApplicantRequest, ChildRequest, DocumentRequest, OfflinePayload};
use pdo_core::domain::DocumentKind;

pub const APPLICANT_LAST_NAME: &str = "Вымыслова";
pub const APPLICANT_FIRST_NAME: &str = "Снежана";
pub const CHILD_LAST_NAME: &str = "Вымыслов";
pub const CHILD_FIRST_NAME: &str = "Елисей";
pub const PASSPORT_NUMBER: &str = "918273";
pub const BIRTH_CERTIFICATE_NUMBER: &str = "735291";
pub const EMAIL: &str = "invented.parent@example.org";
/// The institution group every invented application asks for (the demo registry's).
pub const GROUP_ID: &str = "5-18";

/// A SNILS "NNN-NNN-NNN CC" built from `n` (any number), valid for its checksum and above the unchecked early range.
pub fn snils_for(n: u64) -> String {
    let nine = 200_000_000 + n % 700_000_000;
    let digits: Vec<u8> = format!("{nine:09}").bytes().map(|b| b - b'0').collect();
    let control = pdo_core::validation::snils_checksum(&digits.clone().try_into().expect("nine digits"));
    let d = format!("{nine:09}");
    format!("{}-{}-{} {control:02}", &d[0..3], &d[3..6], &d[6..9])
}

/// A JPEG-looking scan of `size` bytes whose body is a byte run distinctive of `seed` (so a disk grep can find it).
pub fn scan(size: usize, seed: u64) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0];
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    while bytes.len() < size.saturating_sub(2).max(11) {
        // xorshift64*: cheap, deterministic, nothing like a real image.
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        bytes.extend_from_slice(&x.wrapping_mul(0x2545_F491_4F6C_DD1D).to_le_bytes());
    }
    bytes.truncate(size.saturating_sub(2).max(11));
    bytes.extend_from_slice(&[0xFF, 0xD9]);
    bytes
}

/// One complete invented application for `kiosk_id` with `number`, a scan of `scan_size` bytes.
pub fn payload(kiosk_id: &str, submission_id: &str, number: &str, scan_size: usize) -> OfflinePayload {
    let n: u64 = number.parse().unwrap_or(0);
    OfflinePayload {
        kiosk_id: kiosk_id.into(),
        submission_id: submission_id.into(),
        application_number: number.into(),
        captured_at: Utc::now(),
        login: None,
        applicant: ApplicantRequest {
            last_name: APPLICANT_LAST_NAME.into(),
            first_name: APPLICANT_FIRST_NAME.into(),
            patronymic: Some("Игоревна".into()),
            birth_date: "1987-05-11".into(),
            passport: DocumentRequest {
                kind: DocumentKind::Passport,
                series: "3299".into(),
                number: PASSPORT_NUMBER.into(),
                issued_on: "2007-06-01".into(),
                issued_by: "Отделом УФМС по Примерной области".into(),
                division_code: Some("420-099".into()),
            },
            address: "г. Примерный, ул. Придуманная, д. 9".into(),
            phone: "+79001112233".into(),
        },
        child: ChildRequest {
            last_name: CHILD_LAST_NAME.into(),
            first_name: CHILD_FIRST_NAME.into(),
            patronymic: None,
            birth_date: "2016-09-02".into(),
            snils: snils_for(n),
            address: "г. Примерный, ул. Придуманная, д. 9".into(),
        },
        document: DocumentRequest {
            kind: DocumentKind::BirthCertificate,
            series: "IV-ЛО".into(),
            number: BIRTH_CERTIFICATE_NUMBER.into(),
            issued_on: "2016-09-20".into(),
            issued_by: "Отдел ЗАГС г. Примерного".into(),
            division_code: None,
        },
        scan_jpeg_base64: base64::engine::general_purpose::STANDARD.encode(scan(scan_size, n)),
        email: EMAIL.into(),
        group_id: GROUP_ID.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_snils_pass_validation_and_differ() {
        for n in [0, 1, 1_000_001, 999_999_999] {
            let s = snils_for(n);
            assert_eq!(pdo_core::validation::snils(&s).unwrap(), s);
        }
        assert_ne!(snils_for(1), snils_for(2));
        assert_eq!(scan(1000, 7).len(), 1000);
    }
}
