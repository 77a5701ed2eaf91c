//! The transactional outbox: messages to peers, written in the transaction that changes the state they report,
//! leased by a dispatcher, deleted once delivered. Messages of one process go out one at a time, in order. On
//! PostgreSQL, several connector replicas lease disjoint rows (`FOR UPDATE SKIP LOCKED`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::entity::outbox;
use super::{Store, StoreError, now};

/// The [`Message::protocol`] of a contract negotiation's messages.
pub const NEGOTIATION: &str = "negotiation";

/// The [`Message::protocol`] of a transfer process's messages.
pub const TRANSFER: &str = "transfer";

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Message<'a> {
    /// The protocol of that process: `negotiation` or `transfer`.
    pub protocol: &'a str,
    /// The process it belongs to (our pid).
    pub process: &'a str,
    /// Its kind, e.g. `agreement`.
    pub kind: &'a str,
    /// Where it is POSTed.
    pub url: &'a str,
    /// The peer's participant id.
    pub audience: &'a str,
    /// The DSP message.
    pub body: &'a serde_json::Value,
    /// The state its delivery confirms.
    pub target: &'a str,
}

impl<'a> Message<'a> {
    /// The outbox message of `envelope`, sent to `audience` for our process `process` of `protocol`.
    pub fn of<P: crate::dsp::process_common::Protocol>(
        protocol: &'a str,
        process: &'a str,
        audience: &'a str,
        envelope: &'a crate::dsp::process_common::Envelope<P>,
    ) -> Message<'a> {
        Message {
            protocol,
            process,
            kind: P::kind_name(envelope.kind),
            url: &envelope.url,
            audience,
            body: &envelope.body,
            target: P::state_name(envelope.target),
        }
    }
}

/// What the transactions of a process queued for it (not stored): the messages leased to it, to be sent as soon as
/// it commits, and whether a message was queued behind one not yet delivered — the dispatcher looks again after
/// the commit, as the delivery of the earlier one may have been recorded meanwhile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Queued {
    /// Messages leased to this process, to send right after the commit.
    pub leased: Vec<outbox::Model>,
    /// Whether a message waits behind an undelivered one of its process.
    pub behind: bool,
    /// Whether the process's outbox holds only what this transaction queued: it began, or its messages were
    /// forgotten, in this transaction. Then queueing need not ask the database what waits.
    pub only_ours: bool,
}

impl Queued {
    /// What is queued for a process whose outbox is known to be empty: one that begins in this transaction, or
    /// whose messages it forgot ([`forget_process`]).
    pub fn none_waiting() -> Queued {
        Queued { only_ours: true, ..Queued::default() }
    }

    /// Whether a message of the process waits undelivered, as far as known without asking the database.
    fn known_pending(&self) -> Option<bool> {
        self.only_ours.then_some(!self.leased.is_empty() || self.behind)
    }
}

/// Queues `message` in `txn`, to be given up on after `give_up_after`. When nothing else of its process waits, the
/// message is leased to this process for `lease` and added to `queued`: the caller sends it right after the commit
/// instead of waiting for the dispatcher's next round (a crash in between leaves it to the dispatcher once the
/// lease ends).
pub async fn enqueue(
    txn: &DatabaseTransaction,
    message: Message<'_>,
    give_up_after: Duration,
    lease: Duration,
    queued: &mut Queued,
) -> Result<(), StoreError> {
    let at = now();
    let claim = !match queued.known_pending() {
        Some(pending) => pending,
        None => has_pending(txn, message.process).await?,
    };
    let row = outbox::ActiveModel {
        process: Set(message.process.to_owned()),
        protocol: Set(message.protocol.to_owned()),
        kind: Set(message.kind.to_owned()),
        url: Set(message.url.to_owned()),
        audience: Set(message.audience.to_owned()),
        body: Set(message.body.to_string()),
        target: Set(message.target.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(at),
        deadline: Set(at + give_up_after),
        leased_until: Set(claim.then(|| at + lease)),
        last_error: Set(None),
        created_at: Set(at),
        ..Default::default()
    };
    let row = row.insert(txn).await?;
    if claim {
        queued.leased.push(row);
    } else {
        queued.behind = true;
    }
    Ok(())
}

/// Queues `message` in `txn` with the delivery settings of `config` (see [`enqueue`]).
pub async fn enqueue_with(
    txn: &DatabaseTransaction,
    message: Message<'_>,
    config: &crate::config::NegotiationConfig,
    queued: &mut Queued,
) -> Result<(), StoreError> {
    let (give_up_after, lease) = (Duration::from_secs(config.give_up_secs), Duration::from_secs(config.lease_secs));
    enqueue(txn, message, give_up_after, lease, queued).await
}

/// Leases `process`'s oldest waiting message for `lease` and returns it, if it is due and nobody holds it: after a
/// delivery, the process's next message leaves at once instead of waiting for the dispatcher. (The lease is
/// conditional, so of two that try, one gets it; a dispatcher that leased the message meanwhile keeps it.)
pub async fn claim_next(
    connection: &impl ConnectionTrait,
    process: &str,
    lease: Duration,
) -> Result<Option<outbox::Model>, StoreError> {
    let at = now();
    let next = outbox::Entity::find()
        .filter(outbox::Column::Process.eq(process))
        .order_by_asc(outbox::Column::Id)
        .one(connection)
        .await?;
    let Some(mut row) = next.filter(|row| row.next_attempt_at <= at && row.leased_until.is_none_or(|until| until < at))
    else {
        return Ok(None);
    };
    let until = at + lease;
    let leased = outbox::Entity::update_many()
        .col_expr(outbox::Column::LeasedUntil, Expr::value(until))
        .filter(outbox::Column::Id.eq(row.id))
        .filter(outbox::Column::LeasedUntil.is_null().or(outbox::Column::LeasedUntil.lt(at)))
        .exec(connection)
        .await?;
    row.leased_until = Some(until);
    Ok((leased.rows_affected == 1).then_some(row))
}

/// Forgets every message of `process` not yet delivered (the peer has what they said, or nothing more needs
/// saying), those queued earlier in this transaction included; returns what is queued for it now.
pub async fn forget_process(txn: &DatabaseTransaction, process: &str) -> Result<Queued, StoreError> {
    outbox::Entity::delete_many().filter(outbox::Column::Process.eq(process)).exec(txn).await?;
    Ok(Queued::none_waiting())
}

/// The condition that an outbox row is the oldest undelivered message of its process.
const OLDEST_OF_ITS_PROCESS: &str =
    "outbox.id = (SELECT MIN(earlier.id) FROM outbox earlier WHERE earlier.process = outbox.process)";

/// Whether `process` has messages not yet delivered.
async fn has_pending(connection: &impl ConnectionTrait, process: &str) -> Result<bool, StoreError> {
    Ok(outbox::Entity::find().filter(outbox::Column::Process.eq(process)).one(connection).await?.is_some())
}

impl Store {
    /// Leases up to `limit` messages that are due — for each process only its oldest undelivered message — for
    /// `lease`; another dispatcher (another replica) skips them until the lease runs out.
    pub async fn lease_due(&self, limit: u64, lease: Duration) -> Result<Vec<outbox::Model>, StoreError> {
        let locks_rows = self.locks_rows();
        self.transact(async |txn| {
            let at = now();
            let mut select = outbox::Entity::find()
                .filter(outbox::Column::NextAttemptAt.lte(at))
                .filter(outbox::Column::LeasedUntil.is_null().or(outbox::Column::LeasedUntil.lt(at)))
                .filter(Expr::cust(OLDEST_OF_ITS_PROCESS))
                .order_by_asc(outbox::Column::Id)
                .limit(limit);
            if locks_rows {
                select = select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
            }
            let mut rows = select.all(txn).await?;
            if rows.is_empty() {
                return Ok(rows);
            }
            let until = at + lease;
            outbox::Entity::update_many()
                .col_expr(outbox::Column::LeasedUntil, Expr::value(until))
                .filter(outbox::Column::Id.is_in(rows.iter().map(|row| row.id)))
                .exec(txn)
                .await?;
            for row in &mut rows {
                row.leased_until = Some(until);
            }
            Ok(rows)
        })
        .await
    }

    /// Releases every lease: at start, when this process is the only one using the database (SQLite), whatever is
    /// leased was leased by an earlier run of it that did not finish.
    pub async fn release_leases(&self) -> Result<(), StoreError> {
        let _turn = self.sqlite_turn().await;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::LeasedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Deletes the delivered message `id`, in `txn` with whatever its delivery changes.
    pub async fn delivered(txn: &DatabaseTransaction, id: i32) -> Result<(), StoreError> {
        outbox::Entity::delete_by_id(id).exec(txn).await?;
        Ok(())
    }

    /// Deletes the delivered message `id` of `process` when its delivery changes nothing else, and leases the
    /// process's next message (see [`claim_next`]): two statements (three when one waits), no transaction and no
    /// lock of the process. A message queued meanwhile behind this one is found here, or by the dispatcher its
    /// commit wakes ([`Queued::behind`]).
    pub async fn forget_delivered(
        &self,
        id: i32,
        process: &str,
        lease: Duration,
    ) -> Result<Option<outbox::Model>, StoreError> {
        let _turn = self.sqlite_turn().await;
        outbox::Entity::delete_by_id(id).exec(&self.db).await?;
        claim_next(&self.db, process, lease).await
    }

    /// Releases the message `id` after a failed attempt, to be tried again at `next`.
    pub async fn retry_later(&self, id: i32, next: DateTime<Utc>, error: &str) -> Result<(), StoreError> {
        let _turn = self.sqlite_turn().await;
        outbox::Entity::update_many()
            .col_expr(outbox::Column::Attempts, Expr::col(outbox::Column::Attempts).add(1))
            .col_expr(outbox::Column::NextAttemptAt, Expr::value(next))
            .col_expr(outbox::Column::LeasedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .col_expr(outbox::Column::LastError, Expr::value(error.chars().take(500).collect::<String>()))
            .filter(outbox::Column::Id.eq(id))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// When the next message falls due (or its lease runs out), if any is waiting: only each process's oldest
    /// counts, as only it can be leased (one behind it comes next when it is delivered, retried or forgotten).
    pub async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let rows: Vec<(DateTime<Utc>, Option<DateTime<Utc>>)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::NextAttemptAt)
            .column(outbox::Column::LeasedUntil)
            .filter(Expr::cust(OLDEST_OF_ITS_PROCESS))
            .order_by_asc(outbox::Column::NextAttemptAt)
            .limit(64)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|(next, leased)| leased.map_or(next, |until| until.max(next))).min())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::config::Config;

    fn message<'a>(process: &'a str, body: &'a serde_json::Value) -> Message<'a> {
        Message {
            protocol: NEGOTIATION,
            process,
            kind: "request",
            url: "http://peer/dsp",
            audience: "did:web:peer",
            body,
            target: "REQUESTED",
        }
    }

    /// Whether queueing leases a message or puts it behind another is the same whether the transaction knows its
    /// process's outbox (a new or cleared process) or asks the database.
    #[tokio::test]
    async fn a_message_is_leased_only_when_nothing_of_its_process_waits() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config { data_dir: dir.path().to_owned(), ..Config::default() };
        let store = Store::open(&config).await.unwrap();
        let body = json!({});
        let minute = Duration::from_secs(60);
        let queue = async |queued: &mut Queued, count: usize| {
            store
                .transact(async |txn| {
                    for _ in 0..count {
                        enqueue(txn, message("p", &body), minute, minute, queued).await?;
                    }
                    Ok(())
                })
                .await
                .unwrap();
        };
        let mut new = Queued::none_waiting();
        queue(&mut new, 2).await;
        assert_eq!((new.leased.len(), new.behind), (1, true), "the second waits behind the first");

        let mut loaded = Queued::default();
        queue(&mut loaded, 1).await;
        assert_eq!((loaded.leased.len(), loaded.behind), (0, true), "the database says two wait");

        let cleared = store
            .transact(async |txn| {
                let mut cleared = forget_process(txn, "p").await?;
                enqueue(txn, message("p", &body), minute, minute, &mut cleared).await?;
                Ok(cleared)
            })
            .await
            .unwrap();
        assert_eq!((cleared.leased.len(), cleared.behind), (1, false), "after forgetting, nothing waits");
        let waiting = outbox::Entity::find().filter(outbox::Column::Process.eq("p")).all(&store.db).await.unwrap();
        assert_eq!(waiting.len(), 1);
    }
}
