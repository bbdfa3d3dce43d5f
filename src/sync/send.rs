//! One pass over the due rows: up to `in_flight` boxes on the wire at once, and what became of a whole batch
//! written to the outbox in one transaction. Exactly once holds because every send carries its submission id as the
//! idempotency key (the registry replays its first answer forever) and a row leaves the outbox only after the
//! registry's answer; a crash between the answer and the delete only means one replayed send.

use super::{SyncWorker, backoff_random};
use crate::registry::{ClientError, RegistryClient};
use crate::store::{Outgoing, Settlement, Store, StoreError};
use chrono::Utc;
use pdo_core::api::{SubmissionReceipt, SubmissionStatus};
use std::time::Duration;
use tokio::task::JoinSet;

/// What one pass over the due rows did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub rejected: usize,
    pub held: usize,
    pub failed: usize,
    /// The registry could not be reached (the pass sent nothing more after that).
    pub unreachable: bool,
    /// Bytes of the sealed boxes the registry accepted.
    pub bytes: u64,
}

impl Pass {
    pub fn add(&mut self, other: &Pass) {
        self.sent += other.sent;
        self.rejected += other.rejected;
        self.held += other.held;
        self.failed += other.failed;
        self.unreachable |= other.unreachable;
        self.bytes += other.bytes;
    }
}

/// The registry's answer for a row, or `None` when the row left the outbox meanwhile.
type Answer = Result<Option<Result<SubmissionReceipt, ClientError>>, StoreError>;

async fn send_one(store: &Store, client: &RegistryClient, row: &Outgoing) -> Answer {
    let Some(sealed) = store.sealed(&row.submission_id).await? else { return Ok(None) };
    Ok(Some(client.submit_sealed(&row.submission_id, &row.key_id, sealed).await))
}

impl SyncWorker {
    /// Sends every row due now, once. Stops early when the registry cannot be reached.
    pub async fn pass(&self) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        loop {
            let due = self.store.due(Utc::now(), self.settings.batch.max(1)).await?;
            if due.is_empty() {
                return Ok(pass);
            }
            let answers = self.send_batch(due).await?;
            let mut settlements = Vec::with_capacity(answers.len());
            for (row, answer) in answers {
                settlements.push(settlement(&row, answer, &mut pass));
            }
            self.store.settle(settlements).await?;
            if pass.unreachable {
                return Ok(pass);
            }
        }
    }

    /// Sends `rows` with at most `in_flight` requests open; after an `Unreachable` answer no new send starts.
    async fn send_batch(
        &self,
        rows: Vec<Outgoing>,
    ) -> Result<Vec<(Outgoing, Result<SubmissionReceipt, ClientError>)>, StoreError> {
        let limit = self.settings.in_flight.max(1);
        let mut waiting = rows.into_iter();
        let mut in_flight = JoinSet::new();
        let mut answers = Vec::new();
        let mut unreachable = false;
        loop {
            while !unreachable && in_flight.len() < limit {
                let Some(row) = waiting.next() else { break };
                let (store, client) = (self.store.clone(), self.client.clone());
                in_flight.spawn(async move {
                    let answer = send_one(&store, &client, &row).await;
                    (row, answer)
                });
            }
            let Some(joined) = in_flight.join_next().await else { return Ok(answers) };
            // A send task cannot panic short of a bug; its row simply stays queued and goes out next pass.
            let Ok((row, answer)) = joined else { continue };
            if let Some(answer) = answer? {
                unreachable |= answer.as_ref().is_err_and(|e| *e == ClientError::Unreachable);
                answers.push((row, answer));
            }
        }
    }
}

/// What the registry's answer means for the row, counted into `pass`.
fn settlement(row: &Outgoing, answer: Result<SubmissionReceipt, ClientError>, pass: &mut Pass) -> Settlement {
    let submission_id = row.submission_id.clone();
    match answer {
        Ok(receipt) if receipt.status == SubmissionStatus::Rejected => {
            let reason = receipt.reason.unwrap_or_else(|| "unknown".into());
            tracing::info!(submission = %submission_id, reason, "queued application rejected");
            pass.rejected += 1;
            Settlement::Rejected { submission_id, reason }
        }
        Ok(_) => {
            pass.sent += 1;
            pass.bytes += row.size;
            Settlement::Sent { submission_id }
        }
        Err(ClientError::Refused { status: 422, code, .. }) if code == "unsealable" => {
            tracing::warn!(submission = %submission_id, "the registry cannot open a queued box");
            pass.held += 1;
            Settlement::Held { submission_id, error: code }
        }
        Err(err) => {
            let wait = match &err {
                ClientError::TooManyRequests { retry_after_secs }
                | ClientError::TooManyAttempts { retry_after_secs }
                | ClientError::Busy { retry_after_secs } => {
                    Duration::from_secs(*retry_after_secs).max(backoff_random(row.attempts + 1))
                }
                _ => backoff_random(row.attempts + 1),
            };
            let retry_at = Utc::now() + chrono::Duration::from_std(wait).unwrap_or_default();
            tracing::info!(submission = %submission_id, error = %err, ?wait, "send failed; will retry");
            pass.failed += 1;
            pass.unreachable |= err == ClientError::Unreachable;
            Settlement::Failed { submission_id, error: err.code().to_string(), retry_at }
        }
    }
}
