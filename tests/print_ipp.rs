//! Printing on a real IPP Everywhere printer (CUPS' `ippeveprinter`, see print_support): every job's file lands in
//! its spool folder. Needs cups-ipp-utils, avahi-daemon and dbus (`scripts/install-deps.sh test`).

mod print_support;

use pdo_kiosk::print::demo;
use pdo_kiosk::print::forms::{self, FormKind};
use pdo_kiosk::print::ipp::{PrintError, PrintEvent, PrintOptions, Printer, PrinterState};
use pdo_kiosk::print::layout::Fonts;
use print_support::{TestPrinter, free_port};
use std::time::{Duration, Instant};

fn quick() -> PrintOptions {
    PrintOptions { poll_interval: Duration::from_millis(100), ..PrintOptions::default() }
}

#[test]
fn the_three_documents_arrive_complete_one_job_each() {
    let test_printer = TestPrinter::start("pdo-kiosk forms");
    let fonts = Fonts::load().unwrap();
    let rendered = forms::render_all(&demo::parent(), &fonts).unwrap();
    let docs: Vec<(&str, &[u8])> = rendered.iter().map(|(kind, pdf)| (kind.title_ru(), pdf)).collect();
    let printer = test_printer.printer(quick());
    let mut events = Vec::new();
    let outcomes = printer.print_all(&docs, |e| events.push(e)).expect("printing on ippeveprinter");

    assert_eq!(events.first(), Some(&PrintEvent::Status(PrinterState::Ready)));
    assert_eq!(outcomes.len(), 3);
    let ids: Vec<i32> = outcomes.iter().map(|o| o.job_id).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "jobs in order: {ids:?}");
    let done = events.iter().filter(|e| matches!(e, PrintEvent::Done(_))).count();
    assert_eq!(done, 3, "{events:?}");

    // Each job's file in the spool is byte for byte the document sent, in the order sent.
    let spooled = test_printer.spooled();
    assert_eq!(spooled.len(), 3, "{spooled:?}");
    for ((kind, pdf), path) in rendered.iter().zip(&spooled) {
        let got = std::fs::read(path).unwrap();
        assert!(
            got == pdf,
            "{kind:?}: spooled {} bytes differ from the {} sent ({})",
            got.len(),
            pdf.len(),
            path.display()
        );
    }
    assert_eq!(printer.status().unwrap().state, PrinterState::Ready, "the printer is idle again");
}

#[test]
fn a_printer_busy_with_another_job_is_retried() {
    let test_printer = TestPrinter::start("pdo-kiosk busy");
    let fonts = Fonts::load().unwrap();
    let pdf = forms::render(FormKind::Activation, &demo::offline(), &fonts).unwrap();
    let printer = test_printer.printer(quick());
    // Someone else's job, sent without waiting for it: the printer is now printing it.
    let other = ipp_print_job_without_waiting(&test_printer.uri(), b"%PDF-1.4\n% another job\n");
    assert!(other > 0);
    let mut events = Vec::new();
    let outcome = printer.print_one("Памятка", &pdf, &mut |e| events.push(e)).expect("printed after the other job");
    assert!(outcome.busy_retries > 0, "the printer should have answered busy at first: {events:?}");
    assert!(events.iter().any(|e| matches!(e, PrintEvent::WaitingForPrinter { .. })));
    let spooled = test_printer.spooled();
    assert_eq!(spooled.len(), 2);
    assert_eq!(std::fs::read(&spooled[1]).unwrap(), pdf);
}

/// A bare Print-Job with the ipp crate's builder, not followed.
fn ipp_print_job_without_waiting(uri: &str, pdf: &'static [u8]) -> i32 {
    use ipp::prelude::*;
    let uri: Uri = uri.parse().unwrap();
    let op = IppOperationBuilder::print_job(uri.clone(), IppPayload::new(std::io::Cursor::new(pdf)))
        .document_format("application/pdf")
        .build()
        .unwrap();
    let resp = IppClient::new(uri).send(op).unwrap();
    assert!(resp.header().status_code().is_success());
    resp.attributes()
        .groups_of(DelimiterTag::JobAttributes)
        .find_map(|g| g.get("job-id").and_then(|a| a.value().as_integer().copied()))
        .unwrap()
}

#[test]
fn a_printer_out_of_paper_is_reported_before_anything_is_sent() {
    let test_printer = TestPrinter::start("pdo-kiosk paper");
    test_printer.set_paper_level(0);
    let printer = test_printer.printer(quick());
    assert_eq!(printer.status().unwrap().state, PrinterState::OutOfPaper);
    let err = printer.print_all(&[("Заявление", b"%PDF-1.4\n".as_slice())], |_| {}).unwrap_err();
    assert_eq!(err, PrintError::NotReady(PrinterState::OutOfPaper));
    assert_eq!(err.message_ru(), "В принтере закончилась бумага. Попросите сотрудника добавить бумагу.");
    assert!(test_printer.spooled().is_empty(), "nothing is sent to a printer without paper");
    // (ippeveprinter keeps reporting media-empty after its web form refills the tray, so recovery is not checked
    // here; the state is read afresh before every print.)
}

#[test]
fn paper_running_out_during_a_job_is_reported_in_plain_words() {
    // ippeveprinter "prints" with this script: it reports an empty tray on stderr, then fails the job.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("print.sh");
    std::fs::write(&script, "#!/bin/sh\necho 'STATE: +media-empty-error,media-needed-error' >&2\nsleep 1\nexit 1\n")
        .unwrap();
    std::fs::set_permissions(&script, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    let test_printer = TestPrinter::start_with("pdo-kiosk jam", &["-c", script.to_str().unwrap()]);
    let printer = test_printer.printer(quick());
    let err = printer.print_all(&[("Заявление", b"%PDF-1.4\n".as_slice())], |_| {}).unwrap_err();
    match &err {
        PrintError::JobFailed { state, .. } => assert_eq!(state, &PrinterState::OutOfPaper, "{err:?}"),
        other => panic!("expected a failed job, got {other:?}"),
    }
    assert_eq!(
        err.message_ru(),
        "Документ не напечатался. В принтере закончилась бумага. Попросите сотрудника добавить бумагу."
    );
}

#[test]
fn an_unreachable_printer_gives_a_plain_message() {
    let port = free_port(); // nothing listens there
    let printer = Printer::new(&format!("ipp://127.0.0.1:{port}/ipp/print"), quick()).unwrap();
    let started = Instant::now();
    let err = printer.print_all(&[("Заявление", b"%PDF-1.4\n".as_slice())], |_| {}).unwrap_err();
    assert!(matches!(err, PrintError::Unreachable { .. }), "{err:?}");
    assert_eq!(err.message_ru(), "Принтер не отвечает: он выключен или не подключён. Попросите сотрудника помочь.");
    assert_eq!(printer.state(), PrinterState::Offline);
    assert!(started.elapsed() < Duration::from_secs(5), "a refused connection fails at once");
}

#[test]
fn printing_from_async_code_runs_on_a_blocking_thread() {
    let test_printer = TestPrinter::start("pdo-kiosk async");
    let fonts = Fonts::load().unwrap();
    let pdf = forms::render(FormKind::Consent, &demo::self_applicant(), &fonts).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let outcomes = runtime
        .block_on(pdo_kiosk::print::ipp::print_documents(
            test_printer.uri(),
            vec![("Согласие".into(), pdf.clone())],
            quick(),
        ))
        .unwrap();
    assert_eq!(outcomes.len(), 1);
    assert_eq!(std::fs::read(&test_printer.spooled()[0]).unwrap(), pdf);
}
