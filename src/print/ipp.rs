//! Printing PDFs on an IPP Everywhere printer (`ipp://` or `ipps://`): the printer's state first, then one
//! Print-Job per document, each followed to its end before the next is sent (many printers, ippeveprinter among
//! them, take one job at a time and answer "busy" to a second one; that answer is retried).
//!
//! The `ipp` client is blocking: from async code (the GUI's tasks) call [`print_documents`], which runs the whole
//! sequence on a blocking thread. Every failure is one [`PrintError`] whose [`PrintError::message_ru`] is what the
//! applicant reads on the screen.

use ::ipp::prelude::*;
use std::fmt;
use std::io::Cursor;
use std::time::{Duration, Instant};

/// The printer's condition in the terms an applicant understands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrinterState {
    Ready,
    OutOfPaper,
    Jammed,
    OutOfToner,
    /// Switched off, disconnected, paused or not accepting jobs.
    Offline,
    /// Printing someone else's job right now.
    Busy,
    /// Stopped for a reason not listed above (the IPP keyword).
    Other(String),
}

impl PrinterState {
    /// A plain Russian sentence for the screen.
    pub fn message_ru(&self) -> String {
        match self {
            PrinterState::Ready => "Принтер готов к печати.".into(),
            PrinterState::OutOfPaper => "В принтере закончилась бумага. Попросите сотрудника добавить бумагу.".into(),
            PrinterState::Jammed => "В принтере застряла бумага. Попросите сотрудника помочь.".into(),
            PrinterState::OutOfToner => "В принтере закончился тонер. Попросите сотрудника помочь.".into(),
            PrinterState::Offline => "Принтер выключен или не на связи. Попросите сотрудника помочь.".into(),
            PrinterState::Busy => "Принтер печатает другой документ. Подождите немного.".into(),
            PrinterState::Other(reason) => {
                format!("Принтер не может печатать (причина: {reason}). Попросите сотрудника помочь.")
            }
        }
    }

    /// Whether a job may be sent now (a busy printer takes it once the current job ends).
    pub fn can_print(&self) -> bool {
        matches!(self, PrinterState::Ready | PrinterState::Busy)
    }
}

/// What Get-Printer-Attributes said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrinterStatus {
    pub state: PrinterState,
    /// printer-state: 3 idle, 4 processing, 5 stopped.
    pub ipp_state: i32,
    pub reasons: Vec<String>,
    pub message: Option<String>,
    pub accepting_jobs: bool,
}

impl PrinterStatus {
    /// Reads the state from the IPP values. Paper, jam, toner and offline reasons count with any suffix
    /// (ippeveprinter, for one, reports an empty tray as `media-empty-report` while idle and `-warning` while
    /// printing, and no sheet comes out either way); any other reason stops printing only when it is an error
    /// (bare or `-error`, RFC 8011 §5.4.12), so `toner-low-warning` does not.
    pub fn from_values(ipp_state: i32, reasons: &[String], accepting_jobs: bool) -> PrinterState {
        let base = |r: &str| -> String {
            ["-error", "-warning", "-report"].iter().find_map(|s| r.strip_suffix(s)).unwrap_or(r).to_string()
        };
        let all: Vec<String> = reasons.iter().filter(|r| r.as_str() != "none").map(|r| base(r)).collect();
        let has = |names: &[&str]| all.iter().any(|r| names.contains(&r.as_str()));
        let errors: Vec<String> = reasons
            .iter()
            .filter(|r| r.as_str() != "none" && !r.ends_with("-report") && !r.ends_with("-warning"))
            .map(|r| base(r))
            .collect();
        if has(&["media-jam"]) {
            PrinterState::Jammed
        } else if has(&["media-empty", "media-needed", "input-tray-missing"]) {
            PrinterState::OutOfPaper
        } else if has(&["toner-empty", "marker-supply-empty", "marker-waste-full"]) {
            PrinterState::OutOfToner
        } else if has(&["offline", "shutdown", "connecting-to-device", "paused", "moving-to-paused", "timed-out"])
            || !accepting_jobs
        {
            PrinterState::Offline
        } else if ipp_state == 5 {
            // Stopped: name the first blocking reason, if any.
            PrinterState::Other(errors.first().map_or("stopped", |r| r.as_str()).to_string())
        } else if ipp_state == 4 {
            PrinterState::Busy
        } else if let Some(reason) = errors.first() {
            PrinterState::Other(reason.clone())
        } else {
            PrinterState::Ready
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobEnd {
    Completed,
    Canceled,
    Aborted,
}

/// One document printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobOutcome {
    pub name: String,
    pub job_id: i32,
    /// How many times the printer answered "busy" before it took the job.
    pub busy_retries: u32,
    pub elapsed: Duration,
}

/// Everything that can go wrong, in one type the GUI can show with [`PrintError::message_ru`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintError {
    /// The printer address is not an ipp:// or ipps:// URI.
    BadUri(String),
    /// No answer at that address (connection refused, no route, TLS failure, timeout).
    Unreachable { uri: String, detail: String },
    /// The printer answered, but its state does not allow printing.
    NotReady(PrinterState),
    /// Still busy with other jobs after the retry period.
    BusyTooLong,
    /// The printer refused the job (an IPP status other than busy).
    Refused { status: String },
    /// The job was accepted and then canceled or aborted; `state` is the printer's state afterwards.
    JobFailed { name: String, job_id: i32, end: JobEnd, state: PrinterState },
    /// The job did not finish in time; `state` is the printer's state when we gave up.
    JobTimedOut { name: String, job_id: i32, state: PrinterState },
    /// An answer that makes no sense (missing attributes, unparsable data).
    Protocol(String),
}

impl PrintError {
    /// A plain Russian message for the applicant.
    pub fn message_ru(&self) -> String {
        match self {
            PrintError::BadUri(_) => "Принтер настроен неправильно. Сообщите сотруднику.".into(),
            PrintError::Unreachable { .. } => {
                "Принтер не отвечает: он выключен или не подключён. Попросите сотрудника помочь.".into()
            }
            PrintError::NotReady(state) => state.message_ru(),
            PrintError::BusyTooLong => {
                "Принтер долго занят другими документами. Попробуйте ещё раз через несколько минут.".into()
            }
            PrintError::Refused { .. } => "Принтер не принял документ. Попросите сотрудника помочь.".into(),
            PrintError::JobFailed { state, .. } | PrintError::JobTimedOut { state, .. } => match state {
                PrinterState::Ready | PrinterState::Busy => {
                    "Документ не напечатался. Попробуйте ещё раз или попросите сотрудника помочь.".into()
                }
                problem => format!("Документ не напечатался. {}", problem.message_ru()),
            },
            PrintError::Protocol(_) => "Принтер ответил непонятно. Попросите сотрудника помочь.".into(),
        }
    }
}

impl fmt::Display for PrintError {
    /// The Russian message and, for logs and the command line, the technical detail.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let detail = match self {
            PrintError::BadUri(uri) => format!("not an ipp:// or ipps:// printer URI: {uri}"),
            PrintError::Unreachable { uri, detail } => format!("printer {uri} unreachable: {detail}"),
            PrintError::NotReady(state) => format!("printer not ready: {state:?}"),
            PrintError::BusyTooLong => "printer busy for too long".into(),
            PrintError::Refused { status } => format!("job refused: {status}"),
            PrintError::JobFailed { name, job_id, end, state } => {
                format!("job {job_id} ({name}) {end:?}; printer {state:?}")
            }
            PrintError::JobTimedOut { name, job_id, state } => {
                format!("job {job_id} ({name}) did not finish in time; printer {state:?}")
            }
            PrintError::Protocol(detail) => format!("unexpected IPP answer: {detail}"),
        };
        write!(f, "{} ({detail})", self.message_ru())
    }
}

impl std::error::Error for PrintError {}

/// Timing of the conversation with the printer.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// Each HTTP request's limit.
    pub request_timeout: Duration,
    /// How long "busy" answers are retried before giving up.
    pub busy_retry_for: Duration,
    /// How long one job may take from acceptance to completion.
    pub job_timeout: Duration,
    /// Pause between job-state queries and between busy retries.
    pub poll_interval: Duration,
}

impl Default for PrintOptions {
    fn default() -> Self {
        PrintOptions {
            request_timeout: Duration::from_secs(20),
            busy_retry_for: Duration::from_secs(120),
            job_timeout: Duration::from_secs(180),
            poll_interval: Duration::from_millis(250),
        }
    }
}

/// What happens while printing, for a progress display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrintEvent {
    /// The printer's state before the first job.
    Status(PrinterState),
    Sending {
        name: String,
    },
    /// The printer is busy with another job; the document is sent again shortly.
    WaitingForPrinter {
        name: String,
    },
    /// The job is in the printer; `job_state` is IPP's (3 pending … 5 processing, 6 stopped).
    Printing {
        name: String,
        job_id: i32,
        job_state: i32,
    },
    Done(JobOutcome),
}

/// One printer.
pub struct Printer {
    uri: Uri,
    shown: String,
    client: IppClient,
    options: PrintOptions,
}

impl fmt::Debug for Printer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Printer").field("uri", &self.shown).finish()
    }
}

const JOB_PENDING: i32 = 3;
const JOB_STOPPED: i32 = 6;
const JOB_CANCELED: i32 = 7;
const JOB_ABORTED: i32 = 8;
const JOB_COMPLETED: i32 = 9;

impl Printer {
    /// `uri` is `ipp://host[:port]/path` or `ipps://…`; both default to port 631 (IANA's port for IPP over TLS as
    /// well, RFC 7472; the ipp crate would otherwise send ipps to 443).
    pub fn new(uri: &str, options: PrintOptions) -> Result<Self, PrintError> {
        let parsed: Uri = uri.parse().map_err(|_| PrintError::BadUri(uri.into()))?;
        let scheme = parsed.scheme_str().unwrap_or("");
        if !matches!(scheme, "ipp" | "ipps") || parsed.host().is_none_or(str::is_empty) {
            return Err(PrintError::BadUri(uri.into()));
        }
        let parsed = if parsed.port_u16().is_none() {
            let authority = parsed.authority().map(|a| a.as_str()).unwrap_or_default();
            let path = parsed.path_and_query().map(|p| p.as_str()).unwrap_or("/");
            format!("{scheme}://{authority}:631{path}").parse().map_err(|_| PrintError::BadUri(uri.into()))?
        } else {
            parsed
        };
        let client = IppClient::builder(parsed.clone()).request_timeout(options.request_timeout).build();
        Ok(Printer { shown: parsed.to_string(), uri: parsed, client, options })
    }

    pub fn uri(&self) -> &str {
        &self.shown
    }

    fn send(&self, op: impl ::ipp::operation::IppOperation) -> Result<IppRequestResponse, PrintError> {
        self.client.send(op).map_err(|e| match e {
            IppError::ClientError(_) | IppError::IoError(_) | IppError::HttpError(_) | IppError::RequestError(_) => {
                PrintError::Unreachable { uri: self.shown.clone(), detail: e.to_string() }
            }
            other => PrintError::Protocol(other.to_string()),
        })
    }

    /// Get-Printer-Attributes: the state and its reasons.
    pub fn status(&self) -> Result<PrinterStatus, PrintError> {
        let op = IppOperationBuilder::get_printer_attributes(self.uri.clone())
            .attributes([
                "printer-state",
                "printer-state-reasons",
                "printer-state-message",
                "printer-is-accepting-jobs",
            ])
            .build()
            .map_err(|e| PrintError::Protocol(e.to_string()))?;
        let resp = self.send(op)?;
        let status = resp.header().status_code();
        if !status.is_success() {
            return Err(PrintError::Refused { status: status.to_string() });
        }
        let group = resp
            .attributes()
            .first_of(DelimiterTag::PrinterAttributes)
            .ok_or_else(|| PrintError::Protocol("no printer attributes".into()))?;
        let ipp_state = match group.get("printer-state").map(|a| a.value()) {
            Some(IppValue::Enum(v) | IppValue::Integer(v)) => *v,
            _ => return Err(PrintError::Protocol("no printer-state".into())),
        };
        let reasons = group.get("printer-state-reasons").map(|a| keywords(a.value())).unwrap_or_default();
        let message = group.get("printer-state-message").map(|a| a.value().to_string()).filter(|m| !m.is_empty());
        let accepting_jobs =
            !matches!(group.get("printer-is-accepting-jobs").map(|a| a.value()), Some(IppValue::Boolean(false)));
        let state = PrinterStatus::from_values(ipp_state, &reasons, accepting_jobs);
        Ok(PrinterStatus { state, ipp_state, reasons, message, accepting_jobs })
    }

    /// The state, or `Offline` when the printer does not answer (for a status line on the screen).
    pub fn state(&self) -> PrinterState {
        self.status().map_or(PrinterState::Offline, |s| s.state)
    }

    /// Prints `documents` (name, PDF bytes) one after another, each followed to completion. Checks the printer's
    /// state first, so a printer out of paper is reported before anything is sent.
    pub fn print_all(
        &self,
        documents: &[(&str, &[u8])],
        mut on_event: impl FnMut(PrintEvent),
    ) -> Result<Vec<JobOutcome>, PrintError> {
        let status = self.status()?;
        on_event(PrintEvent::Status(status.state.clone()));
        if !status.state.can_print() {
            return Err(PrintError::NotReady(status.state));
        }
        documents.iter().map(|(name, pdf)| self.print_one(name, pdf, &mut on_event)).collect()
    }

    /// Prints one PDF and waits until the printer reports the job completed.
    pub fn print_one(
        &self,
        name: &str,
        pdf: &[u8],
        on_event: &mut impl FnMut(PrintEvent),
    ) -> Result<JobOutcome, PrintError> {
        let started = Instant::now();
        let mut busy_retries = 0;
        let job_id = loop {
            on_event(PrintEvent::Sending { name: name.into() });
            let op = IppOperationBuilder::print_job(self.uri.clone(), IppPayload::new(Cursor::new(pdf.to_vec())))
                .user_name("pdo-kiosk")
                .job_title(name)
                .document_format("application/pdf")
                .build()
                .map_err(|e| PrintError::Protocol(e.to_string()))?;
            let resp = self.send(op)?;
            let status = resp.header().status_code();
            if status.is_success() {
                break job_attribute(&resp, "job-id").ok_or_else(|| PrintError::Protocol("no job-id".into()))?;
            }
            if status == StatusCode::ServerErrorBusy {
                if started.elapsed() >= self.options.busy_retry_for {
                    return Err(PrintError::BusyTooLong);
                }
                busy_retries += 1;
                on_event(PrintEvent::WaitingForPrinter { name: name.into() });
                std::thread::sleep(self.options.poll_interval);
                continue;
            }
            if status == StatusCode::ServerErrorNotAcceptingJobs {
                return Err(PrintError::NotReady(self.status().map_or(PrinterState::Offline, |s| s.state)));
            }
            return Err(PrintError::Refused { status: format!("{status} (0x{:04x})", status as u16) });
        };

        let accepted = Instant::now();
        let mut last_state = JOB_PENDING;
        loop {
            let op = IppOperationBuilder::get_job_attributes(self.uri.clone(), job_id)
                .build()
                .map_err(|e| PrintError::Protocol(e.to_string()))?;
            let resp = self.send(op)?;
            let job_state = job_attribute(&resp, "job-state")
                .ok_or_else(|| PrintError::Protocol(format!("no job-state for job {job_id}")))?;
            if job_state != last_state {
                on_event(PrintEvent::Printing { name: name.into(), job_id, job_state });
                last_state = job_state;
            }
            let end = match job_state {
                JOB_COMPLETED => Some(JobEnd::Completed),
                JOB_CANCELED => Some(JobEnd::Canceled),
                JOB_ABORTED => Some(JobEnd::Aborted),
                _ => None,
            };
            match end {
                Some(JobEnd::Completed) => {
                    let outcome = JobOutcome { name: name.into(), job_id, busy_retries, elapsed: started.elapsed() };
                    on_event(PrintEvent::Done(outcome.clone()));
                    return Ok(outcome);
                }
                Some(end) => {
                    return Err(PrintError::JobFailed { name: name.into(), job_id, end, state: self.state() });
                }
                None if accepted.elapsed() >= self.options.job_timeout => {
                    let state = self.state();
                    if job_state == JOB_STOPPED || !state.can_print() {
                        // Leave nothing half-printed in the queue for the next applicant's documents.
                        let _ = self.cancel(job_id);
                    }
                    return Err(PrintError::JobTimedOut { name: name.into(), job_id, state });
                }
                None => std::thread::sleep(self.options.poll_interval),
            }
        }
    }

    fn cancel(&self, job_id: i32) -> Result<(), PrintError> {
        let op = IppOperationBuilder::cancel_job(self.uri.clone(), job_id)
            .user_name("pdo-kiosk")
            .build()
            .map_err(|e| PrintError::Protocol(e.to_string()))?;
        self.send(op).map(|_| ())
    }
}

fn keywords(value: &IppValue) -> Vec<String> {
    match value {
        IppValue::Array(values) => values.iter().map(ToString::to_string).collect(),
        IppValue::NoValue => Vec::new(),
        other => vec![other.to_string()],
    }
}

fn job_attribute(resp: &IppRequestResponse, name: &str) -> Option<i32> {
    resp.attributes().groups_of(DelimiterTag::JobAttributes).find_map(|g| match g.get(name).map(|a| a.value()) {
        Some(IppValue::Integer(v) | IppValue::Enum(v)) => Some(*v),
        _ => None,
    })
}

/// Prints the documents from async code: the blocking client runs on a blocking thread. Events are not reported
/// here; use [`Printer::print_all`] on a blocking thread of your own for a progress display.
pub async fn print_documents(
    uri: String,
    documents: Vec<(String, Vec<u8>)>,
    options: PrintOptions,
) -> Result<Vec<JobOutcome>, PrintError> {
    tokio::task::spawn_blocking(move || {
        let printer = Printer::new(&uri, options)?;
        let docs: Vec<(&str, &[u8])> = documents.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
        printer.print_all(&docs, |event| tracing::debug!(?event, "printing"))
    })
    .await
    .map_err(|e| PrintError::Protocol(format!("print thread failed: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reasons(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn state_from_ipp_values() {
        use PrinterState::*;
        assert_eq!(PrinterStatus::from_values(3, &reasons(&["none"]), true), Ready);
        assert_eq!(PrinterStatus::from_values(4, &reasons(&["none"]), true), Busy);
        assert_eq!(
            PrinterStatus::from_values(3, &reasons(&["media-empty-error", "media-needed-error"]), true),
            OutOfPaper
        );
        assert_eq!(PrinterStatus::from_values(5, &reasons(&["media-empty"]), true), OutOfPaper);
        assert_eq!(PrinterStatus::from_values(5, &reasons(&["media-jam-error"]), true), Jammed);
        assert_eq!(PrinterStatus::from_values(3, &reasons(&["toner-empty-error"]), true), OutOfToner);
        assert_eq!(PrinterStatus::from_values(3, &reasons(&["toner-low-warning", "media-low-report"]), true), Ready);
        // What ippeveprinter says with an empty tray, idle and printing.
        assert_eq!(
            PrinterStatus::from_values(3, &reasons(&["media-empty-report", "media-needed-report"]), true),
            OutOfPaper
        );
        assert_eq!(PrinterStatus::from_values(4, &reasons(&["media-empty-warning"]), true), OutOfPaper);
        assert_eq!(PrinterStatus::from_values(5, &reasons(&["paused"]), true), Offline);
        assert_eq!(PrinterStatus::from_values(3, &reasons(&["none"]), false), Offline);
        assert_eq!(PrinterStatus::from_values(5, &reasons(&["door-open-error"]), true), Other("door-open".into()));
        assert_eq!(PrinterStatus::from_values(5, &reasons(&[]), true), Other("stopped".into()));
    }

    #[test]
    fn messages_are_plain_russian() {
        assert!(PrinterState::OutOfPaper.message_ru().contains("закончилась бумага"));
        let err = PrintError::Unreachable { uri: "ipp://x".into(), detail: "refused".into() };
        assert!(err.message_ru().starts_with("Принтер не отвечает"));
        assert!(!err.message_ru().contains("ipp"), "no technical words on the screen");
        assert!(err.to_string().contains("refused"), "the detail is kept for logs");
    }

    #[test]
    fn printer_uri_must_be_ipp() {
        let opts = PrintOptions::default();
        assert!(matches!(Printer::new("http://host/ipp/print", opts), Err(PrintError::BadUri(_))));
        assert!(matches!(Printer::new("not a uri", opts), Err(PrintError::BadUri(_))));
        assert_eq!(
            Printer::new("ipps://printer.local/ipp/print", opts).unwrap().uri(),
            "ipps://printer.local:631/ipp/print"
        );
        assert_eq!(
            Printer::new("ipp://127.0.0.1:8631/ipp/print", opts).unwrap().uri(),
            "ipp://127.0.0.1:8631/ipp/print"
        );
    }
}
