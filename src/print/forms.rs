//! The three printed documents of one application, as PDF bytes in memory:
//! the application for the certificate, the consent to personal-data processing, and the activation sheet.
//!
//! Variants are driven by the application itself: `applicant_kind` (a parent, or a child of 14 or more applying for
//! themself), and whether the registry record is known yet (an application taken offline at a kiosk gets it by
//! e-mail after the applicant follows the claim link).

use super::layout::{Align, Doc, Fonts, LayoutError, Para, Span, mm};
use chrono::NaiveDate;
use pdo_core::api::{AccountKind, Application, ApplicationSource, ApplicationStatus, Document, Passport};
use pdo_core::domain::{DocumentKind, region_today};
use std::fmt;

/// The three documents, each a complete PDF.
#[derive(Clone, PartialEq, Eq)]
pub struct Forms {
    pub application: Vec<u8>,
    pub consent: Vec<u8>,
    pub activation: Vec<u8>,
}

impl fmt::Debug for Forms {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Forms")
            .field("application", &format_args!("{} bytes", self.application.len()))
            .field("consent", &format_args!("{} bytes", self.consent.len()))
            .field("activation", &format_args!("{} bytes", self.activation.len()))
            .finish()
    }
}

/// Which of the three documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormKind {
    Application,
    Consent,
    Activation,
}

impl FormKind {
    pub const ALL: [FormKind; 3] = [FormKind::Application, FormKind::Consent, FormKind::Activation];

    /// File name used by `pdo-kiosk print-forms --out`.
    pub fn file_name(self) -> &'static str {
        match self {
            FormKind::Application => "application.pdf",
            FormKind::Consent => "consent.pdf",
            FormKind::Activation => "activation.pdf",
        }
    }

    /// What the applicant sees on screen and the printer's job name.
    pub fn title_ru(self) -> &'static str {
        match self {
            FormKind::Application => "Заявление",
            FormKind::Consent => "Согласие на обработку персональных данных",
            FormKind::Activation => "Памятка об активации сертификата",
        }
    }
}

impl Forms {
    pub fn get(&self, kind: FormKind) -> &[u8] {
        match kind {
            FormKind::Application => &self.application,
            FormKind::Consent => &self.consent,
            FormKind::Activation => &self.activation,
        }
    }

    /// (job name, PDF) of each document, ready for [`super::ipp::print_documents`]; the job name is what the
    /// printer's queue shows: the document's title and the application number.
    pub fn print_jobs(&self, number: &str) -> Vec<(String, Vec<u8>)> {
        self.iter().map(|(kind, pdf)| (format!("{} №{number}", kind.title_ru()), pdf.to_vec())).collect()
    }

    /// The documents in the order they are printed and signed.
    pub fn iter(&self) -> impl Iterator<Item = (FormKind, &[u8])> {
        FormKind::ALL.into_iter().map(|kind| (kind, self.get(kind)))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum FormsError {
    #[error(transparent)]
    Layout(#[from] LayoutError),
    #[error("the QR code could not be made: {0}")]
    Qr(String),
}

/// Renders all three documents. Takes a few milliseconds; nothing is written to disk.
pub fn render_all(app: &Application, fonts: &Fonts) -> Result<Forms, FormsError> {
    let facts = Facts::of(app);
    Ok(Forms {
        application: application(&facts, fonts),
        consent: consent(&facts, fonts),
        activation: activation(&facts, fonts)?,
    })
}

pub fn render(kind: FormKind, app: &Application, fonts: &Fonts) -> Result<Vec<u8>, FormsError> {
    let facts = Facts::of(app);
    Ok(match kind {
        FormKind::Application => application(&facts, fonts),
        FormKind::Consent => consent(&facts, fonts),
        FormKind::Activation => activation(&facts, fonts)?,
    })
}

/// Dates on the forms: DD.MM.YYYY.
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y").to_string()
}

pub use pdo_core::domain::full_name;

/// "Фамилия И. О." with no-break spaces, so the initials stay together.
pub fn short_name(last: &str, first: &str, patronymic: Option<&str>) -> String {
    let initial = |s: &str| s.trim().chars().next().map(|c| format!("{c}."));
    let mut out = last.trim().to_string();
    for i in [initial(first), patronymic.and_then(initial)].into_iter().flatten() {
        out.push('\u{a0}');
        out.push_str(&i);
    }
    out
}

/// A value that must not be broken over lines (a phone number): its spaces become no-break spaces.
fn keep_together(s: &str) -> String {
    s.trim().replace(' ', "\u{a0}")
}

/// "№ 123" kept on one line.
fn no(number: &str) -> String {
    format!("№\u{a0}{number}")
}

const REGION: &str = "Кемеровской области\u{a0}— Кузбасса";
const RU_PASSPORT: &str = "паспорт гражданина Российской Федерации";

fn passport_text(series: &str, number: &str, issued_on: NaiveDate, issued_by: &str, division: Option<&str>) -> String {
    let mut s = format!(
        "{RU_PASSPORT}: серия {series} {}, выдан {}, кем выдан: {}",
        no(number),
        date(issued_on),
        issued_by.trim()
    );
    if let Some(code) = division.filter(|c| !c.trim().is_empty()) {
        s.push_str(&format!(", код подразделения {}", code.trim()));
    }
    s
}

fn document_text(doc: &Document) -> String {
    match doc.kind {
        DocumentKind::Passport => {
            passport_text(&doc.series, &doc.number, doc.issued_on, &doc.issued_by, doc.division_code.as_deref())
        }
        DocumentKind::BirthCertificate => format!(
            "свидетельство о рождении: серия {} {}, выдано {}, кем выдано: {}",
            doc.series,
            no(&doc.number),
            date(doc.issued_on),
            doc.issued_by.trim()
        ),
    }
}

fn applicant_passport_text(p: &Passport) -> String {
    passport_text(&p.series, &p.number, p.issued_on, &p.issued_by, Some(&p.division_code))
}

/// The facts the three documents are written from, worked out once.
struct Facts<'a> {
    app: &'a Application,
    /// The child applies for themself (from 14): no "parent of" wording.
    self_applied: bool,
    /// Taken offline at a kiosk and not claimed yet: no registry record; it comes by e-mail.
    offline: bool,
    number: &'a str,
    record: Option<&'a str>,
    /// The day the application was made, in the region's time zone.
    made_on: String,
    applicant_name: String,
    applicant_short: String,
    applicant_passport: String,
    applicant_address: &'a str,
    child_name: String,
    child_birth: String,
    child_address: &'a str,
    /// The child's identity document as given in the application.
    child_document: Option<&'a Document>,
    /// For a parent: the document that makes the applicant the child's representative (the birth certificate).
    authority_document: Option<&'a Document>,
    category: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn of(app: &'a Application) -> Self {
        let child = &app.child;
        let self_applied = app.applicant_kind == AccountKind::Child;
        let child_document = app
            .document
            .as_ref()
            .or_else(|| child.documents.iter().find(|d| d.kind == DocumentKind::Passport))
            .or_else(|| child.documents.first());
        let authority_document = child_document
            .filter(|d| d.kind == DocumentKind::BirthCertificate)
            .or_else(|| child.documents.iter().find(|d| d.kind == DocumentKind::BirthCertificate));
        let record = app.registry_record.as_deref().filter(|r| !r.trim().is_empty());
        let offline = record.is_none()
            && (app.status == ApplicationStatus::AwaitingClaim || app.source == ApplicationSource::KioskOffline);
        let (applicant_name, applicant_short, applicant_passport, applicant_address) = if self_applied {
            // The child is the applicant: their own name, address and passport (the identity document of the
            // application when it is a passport; the account's passport otherwise).
            let passport = match child_document {
                Some(d) if d.kind == DocumentKind::Passport => document_text(d),
                _ => applicant_passport_text(&app.applicant.passport),
            };
            (
                child.full_name(),
                short_name(&child.last_name, &child.first_name, child.patronymic.as_deref()),
                passport,
                child.address.as_str(),
            )
        } else {
            let a = &app.applicant;
            (
                a.full_name(),
                short_name(&a.last_name, &a.first_name, a.patronymic.as_deref()),
                applicant_passport_text(&a.passport),
                a.address.as_str(),
            )
        };
        Facts {
            app,
            self_applied,
            offline,
            number: &app.number,
            record,
            made_on: date(region_today(app.created_at)),
            applicant_name,
            applicant_short,
            applicant_passport,
            applicant_address,
            child_name: child.full_name(),
            child_birth: date(child.birth_date),
            child_address: &child.address,
            child_document,
            authority_document,
            category: app.certificate_group.as_ref().map(|g| g.title.as_str()),
        }
    }

    /// What the QR code of the activation sheet carries: the registry record, or the application number while
    /// the record is not known.
    fn qr_payload(&self) -> &str {
        self.record.unwrap_or(self.number)
    }
}

// ---- building blocks ---------------------------------------------------------------------------------------

fn title(doc: &mut Doc, word: &str, rest: &str) {
    doc.para(&Para::new(vec![Span::bold(word)]).size(14.0).align(Align::Center).after(2.0));
    doc.para(&Para::new(vec![Span::bold(rest)]).size(11.5).align(Align::Center).leading(1.25).after(12.0));
}

fn heading(doc: &mut Doc, text: &str) {
    doc.para(&Para::new(vec![Span::bold(text)]).before(6.0).after(3.0).keep_with_next());
}

/// "Label: value" with the value underlined to the right margin.
fn field(doc: &mut Doc, label: &str, value: &str) {
    doc.para(&Para::new(vec![Span::text(format!("{label}: ")), Span::field(value)]).fill_underline().after(4.0));
}

fn body(spans: Vec<Span>) -> Para {
    Para::new(spans).align(Align::Justify).first_indent_mm(12.5).after(5.0)
}

/// The date and signature line: «__» ________ 20__ г. on the left, the signature and its decoding on the right (on
/// a line of their own, right-aligned, when a long name leaves no room for both).
fn signature_paras(doc: &Doc, name: &str) -> Vec<Para> {
    let date = vec![
        Span::text("«"),
        Span::blank(9.0),
        Span::text("» "),
        Span::blank(28.0),
        Span::text(" 20"),
        Span::blank(8.0),
        Span::text(" г."),
    ];
    let sign = vec![
        Span::blank(35.0).caption("(подпись)"),
        Span::text(" / "),
        Span::field(name).caption("(расшифровка подписи)"),
        Span::text(" /"),
    ];
    let mut one_line = date.clone();
    one_line.push(Span::fill());
    one_line.extend(sign.clone());
    let one_line = Para::new(one_line).before(SIGNATURE_GAP).after(6.0);
    if doc.line_count(&one_line) == 1 {
        vec![one_line]
    } else {
        vec![Para::new(date).before(SIGNATURE_GAP).after(4.0), Para::new(sign).align(Align::Right).after(6.0)]
    }
}

const SIGNATURE_GAP: f32 = 10.0;

/// The last paragraph of a document and the signature under it, kept on one page: a signature never stands alone
/// on a page of its own.
fn closing(doc: &mut Doc, last: &Para, name: &str) {
    let signature = signature_paras(doc, name);
    let height = doc.measure(last) + signature.iter().map(|p| doc.measure(p)).sum::<f32>();
    doc.need(height);
    doc.para(last);
    for para in &signature {
        doc.para(para);
    }
}

fn small(text: impl Into<String>) -> Para {
    Para::new(vec![Span::text(text)]).size(8.5).leading(1.3).after(3.0)
}

// ---- the application ---------------------------------------------------------------------------------------

fn application(f: &Facts, fonts: &Fonts) -> Vec<u8> {
    let app = f.app;
    let mut doc = Doc::new(fonts, &format!("Заявление {}", no(f.number)));
    doc.set_created(app.created_at.timestamp());
    doc.set_footer(format!("Заявление {}", no(f.number)));
    title(
        &mut doc,
        "ЗАЯВЛЕНИЕ",
        &format!(
            "о предоставлении сертификата дополнительного образования и регистрации в реестре сертификатов \
             дополнительного образования {}",
            no(f.number)
        ),
    );

    let record = match f.record {
        Some(r) => Span::field(r),
        None if f.offline => Span::blank(32.0).caption("(придёт по электронной почте)"),
        None => Span::blank(32.0).caption("(присваивается при выдаче сертификата)"),
    };
    let mut spans = vec![Span::text("Я, "), Span::field(f.applicant_name.clone())];
    if f.self_applied {
        spans.push(Span::text(format!(
            ", прошу зарегистрировать меня в реестре сертификатов дополнительного образования {REGION} под номером \
             реестровой записи №\u{a0}"
        )));
        spans.push(record);
        spans.push(Span::text(" и предоставить мне сертификат дополнительного образования."));
    } else {
        spans.push(Span::text(format!(
            ", являясь родителем (законным представителем) ребёнка, сведения о котором указаны в разделе 1, прошу \
             зарегистрировать ребёнка в реестре сертификатов дополнительного образования {REGION} под номером \
             реестровой записи №\u{a0}"
        )));
        spans.push(record);
        spans.push(Span::text(" и предоставить ему (ей) сертификат дополнительного образования."));
    }
    doc.para(&body(spans));
    if f.record.is_none() {
        let text = if f.offline {
            format!(
                "Заявление принято терминалом самообслуживания без связи с реестром. Номер реестровой записи будет \
                 направлен на адрес электронной почты {} после того, как заявитель перейдёт по ссылке из письма \
                 «{}» и войдёт в личный кабинет. Полученный номер впишите в строку выше.",
                app.email,
                pdo_core::letters::CLAIM_SUBJECT
            )
        } else {
            format!(
                "Номер реестровой записи присваивается при выдаче сертификата и сообщается на адрес электронной \
                 почты {}. Полученный номер впишите в строку выше.",
                app.email
            )
        };
        doc.para(&small(text).after(6.0));
    }

    if f.self_applied {
        heading(&mut doc, "1. Сведения о заявителе (обучающемся)");
        field(&mut doc, "Фамилия, имя, отчество", &f.applicant_name);
        field(&mut doc, "Дата рождения", &f.child_birth);
        field(&mut doc, "Документ, удостоверяющий личность", &f.applicant_passport);
        field(&mut doc, "Адрес места жительства", f.child_address);
        field(&mut doc, "Контактный телефон", &keep_together(&app.applicant.phone));
        field(&mut doc, "Адрес электронной почты", &app.email);
    } else {
        heading(&mut doc, "1. Сведения о ребёнке");
        field(&mut doc, "Фамилия, имя, отчество", &f.child_name);
        field(&mut doc, "Дата рождения", &f.child_birth);
        field(&mut doc, "Документ, удостоверяющий личность", &f.child_document.map(document_text).unwrap_or_default());
        field(&mut doc, "Адрес места жительства", f.child_address);
    }

    heading(&mut doc, "2. Категория сертификата");
    doc.para(
        &Para::new(vec![
            Span::text(if f.self_applied {
                "Прошу предоставить мне сертификат дополнительного образования категории: "
            } else {
                "Прошу предоставить ребёнку сертификат дополнительного образования категории: "
            }),
            Span::field(f.category.unwrap_or("")),
        ])
        .fill_underline()
        .after(4.0),
    );

    if !f.self_applied {
        let a = &app.applicant;
        heading(&mut doc, "3. Сведения о заявителе (родителе, законном представителе)");
        field(&mut doc, "Фамилия, имя, отчество", &f.applicant_name);
        field(&mut doc, "Документ, удостоверяющий личность", &f.applicant_passport);
        field(&mut doc, "Адрес места жительства", &a.address);
        field(&mut doc, "Контактный телефон", &keep_together(&a.phone));
        field(&mut doc, "Адрес электронной почты", &app.email);
    }

    doc.space(6.0);
    doc.para(&body(vec![Span::text(format!(
        "Подтверждаю, что ознакомлен(а) с условиями предоставления, использования и прекращения действия \
         сертификата дополнительного образования и с правилами персонифицированного финансирования дополнительного \
         образования детей в {}.",
        "Кемеровской области\u{a0}— Кузбассе"
    ))]));
    let undertaking = body(vec![Span::text(format!(
        "Обязуюсь в случае изменения сведений, указанных в настоящем заявлении, лично уведомить об этом \
         уполномоченный орган {REGION} в течение 20 рабочих дней со дня таких изменений."
    ))]);
    closing(&mut doc, &undertaking, &f.applicant_short);
    doc.para(&small(format!(
        "Заявление {} сформировано {} {}.",
        no(f.number),
        f.made_on,
        if f.offline {
            "терминалом самообслуживания"
        } else {
            "в личном кабинете"
        }
    )));
    doc.finish()
}

// ---- the consent -------------------------------------------------------------------------------------------

const OPERATIONS: &str = "сбор, запись, систематизация, накопление, хранение, уточнение (обновление, изменение), \
     извлечение, использование, передача третьим лицам, обезличивание, блокирование, удаление, уничтожение";

fn consent(f: &Facts, fonts: &Fonts) -> Vec<u8> {
    let app = f.app;
    let mut doc = Doc::new(fonts, "Согласие на обработку персональных данных");
    doc.set_created(app.created_at.timestamp());
    doc.set_footer(format!("Согласие к заявлению {}", no(f.number)));
    title(&mut doc, "СОГЛАСИЕ", "на обработку персональных данных");

    let mut spans = vec![Span::text("Я, "), Span::field(f.applicant_name.clone())];
    if f.self_applied {
        spans.push(Span::text(", дата рождения "));
        spans.push(Span::field(f.child_birth.clone()));
        spans.push(Span::text(","));
    } else {
        spans.push(Span::text(","));
    }
    spans.extend([
        Span::text(" проживающий(ая) по адресу: "),
        Span::field(f.applicant_address),
        Span::text(", документ, удостоверяющий личность: "),
        Span::field(f.applicant_passport.clone()),
        Span::text(","),
    ]);
    if !f.self_applied {
        let authority = match f.authority_document {
            Some(d) => Span::field(document_text(d)),
            None => {
                Span::blank(90.0).caption("(свидетельство о рождении ребёнка: серия, номер, дата выдачи, кем выдано)")
            }
        };
        spans.extend([
            Span::text(" являясь родителем (законным представителем) ребёнка "),
            Span::field(f.child_name.clone()),
            Span::text(", дата рождения "),
            Span::field(f.child_birth.clone()),
            Span::text(", проживающего(ей) по адресу: "),
            Span::field(f.child_address),
            Span::text(", на основании документа, подтверждающего полномочия законного представителя: "),
            authority,
            Span::text(","),
        ]);
    }
    spans.extend([
        Span::text(
            " в соответствии со статьёй 9 Федерального закона от 27.07.2006 №\u{a0}152-ФЗ «О персональных данных» \
             свободно, своей волей и в своём интересе даю согласие оператору персональных данных\u{a0}— ",
        ),
        Span::field(app.operator.name.clone()),
        Span::text(", адрес: "),
        Span::field(app.operator.address.clone()),
        Span::text(" (далее\u{a0}— Оператор), на обработку "),
        Span::text(if f.self_applied {
            "моих персональных данных, указанных в заявлении "
        } else {
            "моих персональных данных и персональных данных указанного ребёнка, указанных в заявлении "
        }),
        Span::field(no(f.number)),
        Span::text(", на следующих условиях."),
    ]);
    doc.para(&body(spans));

    let item = |n: usize, head: &str, text: String| {
        Para::new(vec![Span::text(format!("{n}.\u{a0}")), Span::bold(format!("{head} ")), Span::text(text)])
            .align(Align::Justify)
            .hanging_mm(6.0)
            .after(4.0)
    };
    doc.para(&item(
        1,
        "Цель обработки:",
        format!(
            "персонифицированный учёт детей в системе дополнительного образования {REGION}, в том числе \
             предоставление, учёт и использование сертификата дополнительного образования."
        ),
    ));
    let own = "фамилия, имя, отчество; дата рождения; данные документа, удостоверяющего личность (серия, номер, \
               дата выдачи, кем выдан, код подразделения); адрес места жительства; номер телефона; адрес электронной \
               почты";
    let list = if f.self_applied {
        format!(
            "{own}; страховой номер индивидуального лицевого счёта (СНИЛС); номер реестровой записи и категория сертификата."
        )
    } else {
        format!(
            "мои: {own}; ребёнка: фамилия, имя, отчество; дата рождения; данные документа, удостоверяющего \
             личность; адрес места жительства; страховой номер индивидуального лицевого счёта (СНИЛС); номер \
             реестровой записи и категория сертификата; данные документа, подтверждающего полномочия законного \
             представителя."
        )
    };
    doc.para(&item(2, "Перечень персональных данных:", list));
    doc.para(&item(
        3,
        "Действия с персональными данными",
        format!("(с использованием средств автоматизации и без их использования): {OPERATIONS}."),
    ));
    doc.para(&item(
        4,
        "Срок действия:",
        "согласие действует со дня его подписания до истечения сроков хранения персональных данных, установленных \
         законодательством Российской Федерации."
            .into(),
    ));
    let revocation = item(
        5,
        "Отзыв согласия:",
        "согласие может быть отозвано мною в любое время на основании письменного заявления, направленного \
         Оператору."
            .into(),
    );
    closing(&mut doc, &revocation, &f.applicant_short);
    doc.finish()
}

// ---- the activation sheet ----------------------------------------------------------------------------------

fn activation(f: &Facts, fonts: &Fonts) -> Result<Vec<u8>, FormsError> {
    let app = f.app;
    let mut doc = Doc::new(fonts, "Памятка об активации сертификата");
    doc.set_created(app.created_at.timestamp());
    doc.set_footer(format!("Памятка к заявлению {} от {}", no(f.number), f.made_on));
    title(&mut doc, "ПАМЯТКА", "об активации сертификата дополнительного образования");

    // The number, large, with its QR code on the right.
    let qr_size = mm(38.0);
    let top = doc.y();
    let code = qrcode::QrCode::with_error_correction_level(f.qr_payload().as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| FormsError::Qr(e.to_string()))?;
    let qr_x = Doc::left() + Doc::column_width() - qr_size;
    doc.qr(&code, qr_x, top - mm(2.0), qr_size);
    let caption = if f.record.is_some() {
        "QR-код номера реестровой записи"
    } else {
        "QR-код номера заявления"
    };
    let caption_width = fonts.regular.width(caption, 7.0);
    let caption_x = (qr_x + (qr_size - caption_width) / 2.0).min(Doc::left() + Doc::column_width() - caption_width);
    doc.text_at(caption, caption_x, top + qr_size + 4.0, 7.0, false);
    let beside = 45.0;
    match f.record {
        Some(record) => {
            doc.para(&Para::new(vec![Span::text("Номер реестровой записи сертификата")]).indent_right_mm(beside));
            doc.para(&Para::new(vec![Span::bold(record)]).size(30.0).leading(1.15).indent_right_mm(beside).after(4.0));
            doc.para(
                &Para::new(vec![Span::text(format!("Заявление {} от {}", no(f.number), f.made_on))])
                    .indent_right_mm(beside),
            );
        }
        None => {
            doc.para(&Para::new(vec![Span::text("Номер заявления")]).indent_right_mm(beside));
            doc.para(
                &Para::new(vec![Span::bold(f.number)]).size(30.0).leading(1.15).indent_right_mm(beside).after(4.0),
            );
            let text = if f.offline {
                format!(
                    "Номер реестровой записи придёт на адрес электронной почты {} после того, как вы перейдёте по \
                     ссылке из письма «{}» и войдёте в личный кабинет.",
                    app.email,
                    pdo_core::letters::CLAIM_SUBJECT
                )
            } else {
                format!(
                    "Номер реестровой записи придёт на адрес электронной почты {} при выдаче сертификата.",
                    app.email
                )
            };
            doc.para(&Para::new(vec![Span::text(text)]).size(10.0).indent_right_mm(beside));
        }
    }
    doc.advance_to(top + qr_size + mm(7.0));

    let line =
        |label: &str, value: String| Para::new(vec![Span::text(format!("{label}: ")), Span::bold(value)]).after(2.0);
    if f.self_applied {
        doc.para(&line("Обучающийся", format!("{}, дата рождения {}", f.applicant_name, f.child_birth)));
    } else {
        doc.para(&line("Ребёнок", format!("{}, дата рождения {}", f.child_name, f.child_birth)));
        doc.para(&line("Заявитель", f.applicant_name.clone()));
    }
    if let Some(category) = f.category {
        doc.para(&line("Категория сертификата", category.to_string()));
    }

    heading(&mut doc, "Чтобы активировать сертификат, возьмите с собой:");
    let check = |text: String| {
        Para::new(vec![Span::check_box(), Span::text(format!("\u{a0}\u{a0}{text}"))]).hanging_mm(6.0).after(3.0)
    };
    let mut items =
        vec!["заявление и согласие на обработку персональных данных, распечатанные и подписанные;".to_string()];
    if f.self_applied {
        items.push("свой паспорт;".into());
        items.push(
            "только если вы не учитесь в школе: документ, подтверждающий регистрацию по месту жительства \
             (пребывания) на территории муниципального образования."
                .into(),
        );
    } else {
        items.push("свой паспорт;".into());
        match f.child_document.map(|d| d.kind) {
            Some(DocumentKind::Passport) => {
                items.push("паспорт ребёнка;".into());
                items
                    .push("свидетельство о рождении ребёнка (подтверждает, что вы его законный представитель);".into());
            }
            _ => items.push("свидетельство о рождении ребёнка (с 14 лет\u{a0}— паспорт ребёнка);".into()),
        }
        items.push(
            "только если ребёнок не посещает ни детский сад, ни школу: документ, подтверждающий регистрацию по месту \
             жительства (пребывания) на территории муниципального образования."
                .into(),
        );
    }
    for item in items {
        doc.para(&check(item));
    }
    doc.para(
        &Para::new(vec![Span::text(
            "Если распечатать документы негде, их распечатают в организации, куда вы придёте.",
        )])
        .size(10.0)
        .before(2.0),
    );

    heading(&mut doc, "Организации, где можно активировать сертификат:");
    if app.institutions.is_empty() {
        doc.para(&Para::new(vec![Span::text(
            "Список организаций можно посмотреть в личном кабинете или уточнить у сотрудника, который помогает с \
             терминалом.",
        )]));
    }
    for (i, inst) in app.institutions.iter().enumerate() {
        let mut details = format!("Адрес: {}", inst.address);
        if let Some(phone) = inst.phone.as_deref().filter(|p| !p.trim().is_empty()) {
            details.push_str(&format!("; телефон: {}", keep_together(phone)));
        }
        if let Some(hours) = inst.hours.as_deref().filter(|h| !h.trim().is_empty()) {
            details.push_str(&format!("; часы работы: {hours}"));
        }
        details.push('.');
        let head = Para::new(vec![Span::text(format!("{}.\u{a0}", i + 1)), Span::bold(inst.name.clone())])
            .hanging_mm(6.0)
            .after(1.0);
        let rest = Para::new(vec![Span::text(details)]).size(10.0).indent_mm(6.0).after(5.0);
        doc.need(doc.measure(&head) + doc.measure(&rest));
        doc.para(&head);
        doc.para(&rest);
    }
    Ok(doc.finish())
}
