//! Schema migrations, applied at start. Each migration is a module with an explicit name (the name is what the
//! database records); never edit or rename one that has shipped.

use sea_orm_migration::prelude::*;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_catalog::Migration),
            Box::new(m0002_offer_visibility::Migration),
            Box::new(m0003_identity::Migration),
            Box::new(m0004_authority::Migration),
            Box::new(m0005_issuance::Migration),
            Box::new(m0006_negotiation::Migration),
            Box::new(m0007_transfer::Migration),
            Box::new(m0008_slc::Migration),
        ]
    }
}

mod m0001_catalog {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0001_catalog"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Dataset {
        Table,
        Id,
        Document,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Distribution {
        Table,
        DatasetId,
        Id,
        Position,
        Format,
        Document,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum DatasetTerm {
        Table,
        DatasetId,
        Kind,
        Value,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Policy {
        Table,
        Id,
        Document,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Offer {
        Table,
        Id,
        AccessPolicyId,
        ContractPolicyId,
        Selector,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum OfferDataset {
        Table,
        DatasetId,
        OfferId,
    }

    /// A foreign key from `column` of `table` to the `id` of `parent`.
    fn reference(
        table: impl IntoIden + 'static,
        column: impl IntoIden + 'static,
        parent: impl IntoIden + 'static,
        parent_id: impl IntoIden + 'static,
        on_delete: ForeignKeyAction,
    ) -> ForeignKeyCreateStatement {
        ForeignKey::create().from(table, column).to(parent, parent_id).on_delete(on_delete).to_owned()
    }

    /// A required timestamp column.
    fn timestamp(name: impl IntoIden) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(Dataset::Table)
                        .col(ColumnDef::new(Dataset::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(Dataset::Document).text().not_null())
                        .col(timestamp(Dataset::CreatedAt))
                        .col(timestamp(Dataset::UpdatedAt))
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Distribution::Table)
                        .col(ColumnDef::new(Distribution::DatasetId).string().not_null())
                        .col(ColumnDef::new(Distribution::Id).string().not_null())
                        .col(ColumnDef::new(Distribution::Position).integer().not_null())
                        .col(ColumnDef::new(Distribution::Format).string().not_null())
                        .col(ColumnDef::new(Distribution::Document).text().not_null())
                        .primary_key(Index::create().col(Distribution::DatasetId).col(Distribution::Id))
                        .foreign_key(&mut reference(
                            Distribution::Table,
                            Distribution::DatasetId,
                            Dataset::Table,
                            Dataset::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(DatasetTerm::Table)
                        .col(ColumnDef::new(DatasetTerm::DatasetId).string().not_null())
                        .col(ColumnDef::new(DatasetTerm::Kind).string().not_null())
                        .col(ColumnDef::new(DatasetTerm::Value).string().not_null())
                        .primary_key(
                            Index::create().col(DatasetTerm::DatasetId).col(DatasetTerm::Kind).col(DatasetTerm::Value),
                        )
                        .foreign_key(&mut reference(
                            DatasetTerm::Table,
                            DatasetTerm::DatasetId,
                            Dataset::Table,
                            Dataset::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name("dataset_term_by_term")
                        .table(DatasetTerm::Table)
                        .col(DatasetTerm::Kind)
                        .col(DatasetTerm::Value)
                        .col(DatasetTerm::DatasetId)
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Policy::Table)
                        .col(ColumnDef::new(Policy::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(Policy::Document).text().not_null())
                        .col(timestamp(Policy::CreatedAt))
                        .col(timestamp(Policy::UpdatedAt))
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Offer::Table)
                        .col(ColumnDef::new(Offer::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(Offer::AccessPolicyId).string().null())
                        .col(ColumnDef::new(Offer::ContractPolicyId).string().not_null())
                        .col(ColumnDef::new(Offer::Selector).text().not_null())
                        .col(timestamp(Offer::CreatedAt))
                        .col(timestamp(Offer::UpdatedAt))
                        .foreign_key(&mut reference(
                            Offer::Table,
                            Offer::AccessPolicyId,
                            Policy::Table,
                            Policy::Id,
                            ForeignKeyAction::Restrict,
                        ))
                        .foreign_key(&mut reference(
                            Offer::Table,
                            Offer::ContractPolicyId,
                            Policy::Table,
                            Policy::Id,
                            ForeignKeyAction::Restrict,
                        ))
                        .to_owned(),
                )
                .await?;
            for (name, column) in [
                ("offer_by_access_policy", Offer::AccessPolicyId),
                ("offer_by_contract_policy", Offer::ContractPolicyId),
            ] {
                manager.create_index(Index::create().name(name).table(Offer::Table).col(column).to_owned()).await?;
            }
            manager
                .create_table(
                    Table::create()
                        .table(OfferDataset::Table)
                        .col(ColumnDef::new(OfferDataset::DatasetId).string().not_null())
                        .col(ColumnDef::new(OfferDataset::OfferId).string().not_null())
                        .primary_key(Index::create().col(OfferDataset::DatasetId).col(OfferDataset::OfferId))
                        .foreign_key(&mut reference(
                            OfferDataset::Table,
                            OfferDataset::DatasetId,
                            Dataset::Table,
                            Dataset::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .foreign_key(&mut reference(
                            OfferDataset::Table,
                            OfferDataset::OfferId,
                            Offer::Table,
                            Offer::Id,
                            ForeignKeyAction::Cascade,
                        ))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name("offer_dataset_by_offer")
                        .table(OfferDataset::Table)
                        .col(OfferDataset::OfferId)
                        .col(OfferDataset::DatasetId)
                        .to_owned(),
                )
                .await
        }
    }
}

/// Each coverage row carries its offer's access policy, so the catalogue can show a caller only the offers it may
/// see with the same bounded sub-select that finds offered products.
mod m0002_offer_visibility {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0002_offer_visibility"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum OfferDataset {
        Table,
        OfferId,
        AccessPolicyId,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Offer {
        Table,
        Id,
        AccessPolicyId,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .alter_table(
                    Table::alter()
                        .table(OfferDataset::Table)
                        .add_column(ColumnDef::new(OfferDataset::AccessPolicyId).string().null())
                        .to_owned(),
                )
                .await?;
            let access_policy = Query::select()
                .column(Offer::AccessPolicyId)
                .from(Offer::Table)
                .and_where(Expr::col((Offer::Table, Offer::Id)).equals((OfferDataset::Table, OfferDataset::OfferId)))
                .to_owned();
            let backfill = Query::update()
                .table(OfferDataset::Table)
                .value(
                    OfferDataset::AccessPolicyId,
                    SimpleExpr::SubQuery(None, Box::new(access_policy.into_sub_query_statement())),
                )
                .to_owned();
            manager.exec_stmt(backfill).await
        }
    }
}

mod m0003_identity {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0003_identity"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum SeenToken {
        Table,
        Issuer,
        Jti,
        ExpiresAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum HeldCredential {
        Table,
        Id,
        Kind,
        Issuer,
        Format,
        Payload,
        ReceivedAt,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(SeenToken::Table)
                        .col(ColumnDef::new(SeenToken::Issuer).string().not_null())
                        .col(ColumnDef::new(SeenToken::Jti).string().not_null())
                        .col(ColumnDef::new(SeenToken::ExpiresAt).timestamp_with_time_zone().not_null())
                        .primary_key(Index::create().col(SeenToken::Issuer).col(SeenToken::Jti))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name("seen_token_expires_at")
                        .table(SeenToken::Table)
                        .col(SeenToken::ExpiresAt)
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(HeldCredential::Table)
                        .col(ColumnDef::new(HeldCredential::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(HeldCredential::Kind).string().not_null())
                        .col(ColumnDef::new(HeldCredential::Issuer).string().not_null())
                        .col(ColumnDef::new(HeldCredential::Format).string().not_null())
                        .col(ColumnDef::new(HeldCredential::Payload).text().not_null())
                        .col(ColumnDef::new(HeldCredential::ReceivedAt).timestamp_with_time_zone().not_null())
                        .to_owned(),
                )
                .await
        }
    }
}

mod m0004_authority {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0004_authority"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Member {
        Table,
        Did,
        LegalName,
        Ldt,
        Contact,
        DspAddress,
        Roles,
        State,
        StatusIndex,
        AppliedAt,
        DecidedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum MembershipChallenge {
        Table,
        Challenge,
        Did,
        ExpiresAt,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(Member::Table)
                        .col(ColumnDef::new(Member::Did).string().not_null().primary_key())
                        .col(ColumnDef::new(Member::LegalName).string().not_null())
                        .col(ColumnDef::new(Member::Ldt).string().not_null())
                        .col(ColumnDef::new(Member::Contact).string().not_null())
                        .col(ColumnDef::new(Member::DspAddress).string().not_null())
                        .col(ColumnDef::new(Member::Roles).text().not_null())
                        .col(ColumnDef::new(Member::State).string().not_null())
                        .col(ColumnDef::new(Member::StatusIndex).big_integer().not_null().unique_key())
                        .col(ColumnDef::new(Member::AppliedAt).timestamp_with_time_zone().not_null())
                        .col(ColumnDef::new(Member::DecidedAt).timestamp_with_time_zone().null())
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(MembershipChallenge::Table)
                        .col(ColumnDef::new(MembershipChallenge::Challenge).string().not_null().primary_key())
                        .col(ColumnDef::new(MembershipChallenge::Did).string().not_null())
                        .col(ColumnDef::new(MembershipChallenge::ExpiresAt).timestamp_with_time_zone().not_null())
                        .to_owned(),
                )
                .await
        }
    }
}

mod m0005_issuance {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0005_issuance"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum IssuanceRequest {
        Table,
        Id,
        HolderDid,
        HolderPid,
        Credentials,
        Status,
        CreatedAt,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(IssuanceRequest::Table)
                        .col(ColumnDef::new(IssuanceRequest::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(IssuanceRequest::HolderDid).string().not_null())
                        .col(ColumnDef::new(IssuanceRequest::HolderPid).string().not_null())
                        .col(ColumnDef::new(IssuanceRequest::Credentials).text().not_null())
                        .col(ColumnDef::new(IssuanceRequest::Status).string().not_null())
                        .col(ColumnDef::new(IssuanceRequest::CreatedAt).timestamp_with_time_zone().not_null())
                        .to_owned(),
                )
                .await
        }
    }
}

mod m0006_negotiation {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0006_negotiation"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Negotiation {
        Table,
        Pid,
        Role,
        PeerPid,
        State,
        CounterParty,
        PeerAddress,
        DatasetId,
        Offer,
        Agreement,
        Purpose,
        Awaiting,
        Explanation,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum NegotiationEvent {
        Table,
        Id,
        Pid,
        At,
        FromState,
        ToState,
        Kind,
        By,
        Detail,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Agreement {
        Table,
        Id,
        NegotiationPid,
        Role,
        DatasetId,
        Provider,
        Consumer,
        Document,
        SignedAt,
        CreatedAt,
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Outbox {
        Table,
        Id,
        Process,
        Kind,
        Url,
        Audience,
        Body,
        Target,
        Attempts,
        NextAttemptAt,
        Deadline,
        LeasedUntil,
        LastError,
        CreatedAt,
    }

    fn text(name: impl IntoIden) -> ColumnDef {
        ColumnDef::new(name).text().not_null().to_owned()
    }

    fn optional_text(name: impl IntoIden) -> ColumnDef {
        ColumnDef::new(name).text().null().to_owned()
    }

    fn timestamp(name: impl IntoIden) -> ColumnDef {
        ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned()
    }

    fn index(
        name: &str,
        table: impl IntoIden + 'static,
        columns: &[impl IntoIden + Copy + 'static],
    ) -> IndexCreateStatement {
        let mut index = Index::create().name(name).table(table).to_owned();
        for column in columns {
            index.col(*column);
        }
        index
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            manager
                .create_table(
                    Table::create()
                        .table(Negotiation::Table)
                        .col(ColumnDef::new(Negotiation::Pid).string().not_null().primary_key())
                        .col(ColumnDef::new(Negotiation::Role).string().not_null())
                        .col(ColumnDef::new(Negotiation::PeerPid).string().null())
                        .col(ColumnDef::new(Negotiation::State).string().not_null())
                        .col(ColumnDef::new(Negotiation::CounterParty).string().not_null())
                        .col(text(Negotiation::PeerAddress))
                        .col(ColumnDef::new(Negotiation::DatasetId).string().not_null())
                        .col(text(Negotiation::Offer))
                        .col(optional_text(Negotiation::Agreement))
                        .col(optional_text(Negotiation::Purpose))
                        .col(ColumnDef::new(Negotiation::Awaiting).string().null())
                        .col(optional_text(Negotiation::Explanation))
                        .col(timestamp(Negotiation::CreatedAt))
                        .col(timestamp(Negotiation::UpdatedAt))
                        .to_owned(),
                )
                .await?;
            // A repeated first request is recognised by the caller and its consumerPid.
            manager
                .create_index(index(
                    "negotiation_peer",
                    Negotiation::Table,
                    &[Negotiation::CounterParty, Negotiation::PeerPid],
                ))
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(NegotiationEvent::Table)
                        .col(ColumnDef::new(NegotiationEvent::Id).integer().not_null().auto_increment().primary_key())
                        .col(ColumnDef::new(NegotiationEvent::Pid).string().not_null())
                        .col(timestamp(NegotiationEvent::At))
                        .col(ColumnDef::new(NegotiationEvent::FromState).string().null())
                        .col(ColumnDef::new(NegotiationEvent::ToState).string().not_null())
                        .col(ColumnDef::new(NegotiationEvent::Kind).string().not_null())
                        .col(ColumnDef::new(NegotiationEvent::By).string().not_null())
                        .col(optional_text(NegotiationEvent::Detail))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(index(
                    "negotiation_event_pid",
                    NegotiationEvent::Table,
                    &[NegotiationEvent::Pid, NegotiationEvent::Id],
                ))
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Agreement::Table)
                        .col(ColumnDef::new(Agreement::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(Agreement::NegotiationPid).string().not_null().unique_key())
                        .col(ColumnDef::new(Agreement::Role).string().not_null())
                        .col(ColumnDef::new(Agreement::DatasetId).string().not_null())
                        .col(ColumnDef::new(Agreement::Provider).string().not_null())
                        .col(ColumnDef::new(Agreement::Consumer).string().not_null())
                        .col(text(Agreement::Document))
                        .col(timestamp(Agreement::SignedAt))
                        .col(timestamp(Agreement::CreatedAt))
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(Outbox::Table)
                        .col(ColumnDef::new(Outbox::Id).integer().not_null().auto_increment().primary_key())
                        .col(ColumnDef::new(Outbox::Process).string().not_null())
                        .col(ColumnDef::new(Outbox::Kind).string().not_null())
                        .col(text(Outbox::Url))
                        .col(ColumnDef::new(Outbox::Audience).string().not_null())
                        .col(text(Outbox::Body))
                        .col(ColumnDef::new(Outbox::Target).string().not_null())
                        .col(ColumnDef::new(Outbox::Attempts).integer().not_null().default(0))
                        .col(timestamp(Outbox::NextAttemptAt))
                        .col(timestamp(Outbox::Deadline))
                        .col(ColumnDef::new(Outbox::LeasedUntil).timestamp_with_time_zone().null())
                        .col(optional_text(Outbox::LastError))
                        .col(timestamp(Outbox::CreatedAt))
                        .to_owned(),
                )
                .await?;
            manager.create_index(index("outbox_due", Outbox::Table, &[Outbox::NextAttemptAt])).await?;
            manager.create_index(index("outbox_process", Outbox::Table, &[Outbox::Process, Outbox::Id])).await
        }
    }
}

mod m0007_transfer {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0007_transfer"
        }
    }

    #[derive(DeriveIden, Clone, Copy)]
    enum Transfer {
        Table,
        Pid,
        Role,
        PeerPid,
        State,
        CounterParty,
        PeerAddress,
        AgreementId,
        DatasetId,
        Format,
        DataAddress,
        Awaiting,
        Explanation,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden)]
    enum NegotiationEvent {
        Table,
    }

    #[derive(DeriveIden)]
    enum ProcessEvent {
        Table,
    }

    #[derive(DeriveIden)]
    enum Outbox {
        Table,
        Protocol,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            // One history for every kind of process.
            manager
                .rename_table(Table::rename().table(NegotiationEvent::Table, ProcessEvent::Table).to_owned())
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(Outbox::Table)
                        .add_column(ColumnDef::new(Outbox::Protocol).string().not_null().default("negotiation"))
                        .to_owned(),
                )
                .await?;
            let optional_text = |name| ColumnDef::new(name).text().null().to_owned();
            let timestamp = |name| ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned();
            manager
                .create_table(
                    Table::create()
                        .table(Transfer::Table)
                        .col(ColumnDef::new(Transfer::Pid).string().not_null().primary_key())
                        .col(ColumnDef::new(Transfer::Role).string().not_null())
                        .col(ColumnDef::new(Transfer::PeerPid).string().null())
                        .col(ColumnDef::new(Transfer::State).string().not_null())
                        .col(ColumnDef::new(Transfer::CounterParty).string().not_null())
                        .col(ColumnDef::new(Transfer::PeerAddress).text().not_null())
                        .col(ColumnDef::new(Transfer::AgreementId).string().not_null())
                        .col(ColumnDef::new(Transfer::DatasetId).string().not_null())
                        .col(ColumnDef::new(Transfer::Format).string().not_null())
                        .col(optional_text(Transfer::DataAddress))
                        .col(ColumnDef::new(Transfer::Awaiting).string().null())
                        .col(optional_text(Transfer::Explanation))
                        .col(timestamp(Transfer::CreatedAt))
                        .col(timestamp(Transfer::UpdatedAt))
                        .to_owned(),
                )
                .await?;
            // A repeated request is recognised by the caller and its consumerPid; a transfer-count constraint counts
            // an agreement's transfers.
            for (name, columns) in [
                ("transfer_peer", [Transfer::CounterParty, Transfer::PeerPid]),
                ("transfer_agreement", [Transfer::AgreementId, Transfer::CreatedAt]),
            ] {
                let mut index = Index::create().name(name).table(Transfer::Table).to_owned();
                for column in columns {
                    index.col(column);
                }
                manager.create_index(index).await?;
            }
            Ok(())
        }
    }
}

mod m0008_slc {
    use sea_orm_migration::prelude::*;

    pub struct Migration;

    impl MigrationName for Migration {
        fn name(&self) -> &str {
            "m0008_slc"
        }
    }

    #[derive(DeriveIden)]
    enum Slc {
        Table,
        Id,
        Descriptor,
        CreatedAt,
        UpdatedAt,
    }

    #[derive(DeriveIden)]
    enum SlcOffer {
        Table,
        SlcId,
        OfferId,
        Position,
    }

    #[async_trait::async_trait]
    impl MigrationTrait for Migration {
        async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
            let timestamp = |name| ColumnDef::new(name).timestamp_with_time_zone().not_null().to_owned();
            manager
                .create_table(
                    Table::create()
                        .table(Slc::Table)
                        .col(ColumnDef::new(Slc::Id).string().not_null().primary_key())
                        .col(ColumnDef::new(Slc::Descriptor).text().not_null())
                        .col(timestamp(Slc::CreatedAt))
                        .col(timestamp(Slc::UpdatedAt))
                        .to_owned(),
                )
                .await?;
            manager
                .create_table(
                    Table::create()
                        .table(SlcOffer::Table)
                        .col(ColumnDef::new(SlcOffer::SlcId).string().not_null())
                        .col(ColumnDef::new(SlcOffer::OfferId).string().not_null())
                        .col(ColumnDef::new(SlcOffer::Position).integer().not_null())
                        .primary_key(Index::create().col(SlcOffer::SlcId).col(SlcOffer::OfferId))
                        .to_owned(),
                )
                .await?;
            // An offer cannot be deleted while a component is published under it: one probe of this index.
            manager
                .create_index(
                    Index::create().name("slc_offer_by_offer").table(SlcOffer::Table).col(SlcOffer::OfferId).to_owned(),
                )
                .await
        }
    }
}
