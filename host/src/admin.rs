//! `courtyard admin …`: what an operator does from the command line before
//! anyone can sign in — the first operator, and each customer with its
//! first administrator. Everything after that happens through the API.

use std::io::Read;

use anyhow::Context;
use clap::{Args, Subcommand};

use crate::audit::{ActorKind, AuditEntry};
use crate::cli::NodeArgs;
use crate::identity::{Role, hash_password};
use crate::mail::Mailer;
use crate::storage::{Database, RoleAssignment, User, new_id, now_ms};

#[derive(Debug, Subcommand)]
pub(crate) enum AdminCommand {
    /// Create a platform operator (or make an existing user one).
    CreateOperator {
        #[command(flatten)]
        account: AccountArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
    /// Create a customer (a property-management company) and its first
    /// customer admin.
    CreateCustomer {
        /// The company's name.
        #[arg(long)]
        name: String,
        /// Whether residents may invite the people they live with.
        #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
        resident_invites: bool,
        #[command(flatten)]
        admin: AccountArgs,
        #[command(flatten)]
        node: NodeArgs,
    },
}

/// The person the command creates an account for.
#[derive(Debug, Args)]
pub(crate) struct AccountArgs {
    /// Their email address.
    #[arg(long)]
    email: String,
    /// Their name.
    #[arg(long = "person")]
    person: String,
    /// Read their password from standard input (and treat the address as
    /// confirmed) instead of mailing them a link to choose one.
    #[arg(long)]
    password_stdin: bool,
}

pub(crate) async fn run(command: AdminCommand) -> anyhow::Result<()> {
    match command {
        AdminCommand::CreateOperator { account, node } => {
            let config = node.config()?;
            let database = Database::connect(&config.database_url()).await?;
            let (user, created) = account_for(&database, &account, &config, "the Courtyard platform").await?;
            grant(&database, &user, Role::Operator, None).await?;
            let mut entry = AuditEntry::new(ActorKind::System, "courtyard-cli", "operator.appoint", "role-assignments");
            entry.subject_id = Some(user.id.clone());
            entry.fields = Some("role".to_owned());
            crate::audit::record_cli_actions(&database, &config, vec![entry]).await?;
            println!("operator {} ({}){}", user.id, user.email, if created { ", new account" } else { "" });
            database.close().await;
            Ok(())
        }
        AdminCommand::CreateCustomer { name, resident_invites, admin, node } => {
            let config = node.config()?;
            let name = name.trim();
            anyhow::ensure!(!name.is_empty() && name.chars().count() <= 200, "--name must be 1 to 200 characters");
            let database = Database::connect(&config.database_url()).await?;
            let customer = database.insert_customer(name, resident_invites).await?;
            let (user, _) = account_for(&database, &admin, &config, name).await?;
            grant(&database, &user, Role::CustomerAdmin, Some(&customer.id)).await?;
            let mut created = AuditEntry::new(ActorKind::System, "courtyard-cli", "customer.create", "customers");
            created.customer_id = Some(customer.id.clone());
            created.resource_id = Some(customer.id.clone());
            created.fields = Some("name,resident_invites".to_owned());
            let mut appointed =
                AuditEntry::new(ActorKind::System, "courtyard-cli", "customer-admin.appoint", "role-assignments");
            appointed.customer_id = Some(customer.id.clone());
            appointed.subject_id = Some(user.id.clone());
            appointed.fields = Some("role".to_owned());
            crate::audit::record_cli_actions(&database, &config, vec![created, appointed]).await?;
            println!("customer {} ({})", customer.id, customer.name);
            println!("customer-admin {} ({})", user.id, user.email);
            database.close().await;
            Ok(())
        }
    }
}

async fn account_for(
    database: &Database,
    account: &AccountArgs,
    config: &crate::config::Config,
    granted_by: &str,
) -> anyhow::Result<(User, bool)> {
    let email = crate::storage::normalize_email(&account.email);
    anyhow::ensure!(email.parse::<lettre::Address>().is_ok(), "--email `{email}` is not an email address");
    if let Some(user) = database.user_by_email(&email).await? {
        return Ok((user, false));
    }
    let person = account.person.trim();
    anyhow::ensure!(!person.is_empty() && person.chars().count() <= 200, "--person must be 1 to 200 characters");
    let user = if account.password_stdin {
        let mut password = String::new();
        std::io::stdin().take(4096).read_to_string(&mut password).context("reading the password")?;
        let password = password.trim_end_matches(['\r', '\n']).to_owned();
        let hash = hash_password(password).await?;
        database.insert_user(&email, person, "en", Some(&hash), true).await?
    } else {
        let user = database.insert_user(&email, person, "en", None, false).await?;
        let public_url = config.public_url(config.listen);
        crate::mail::welcome(&Mailer::new(database.clone()), database, &user, granted_by, &public_url).await?;
        eprintln!("mailed {} a link to choose a password (the running server delivers it)", user.email);
        user
    };
    Ok((user, true))
}

async fn grant(database: &Database, user: &User, role: Role, customer: Option<&str>) -> anyhow::Result<()> {
    database
        .insert_assignment(&RoleAssignment {
            id: new_id(),
            user_id: user.id.clone(),
            role,
            customer_id: customer.map(str::to_owned),
            property_id: None,
            valid_from: None,
            valid_until: None,
            granted_by: None,
            created_at: now_ms(),
        })
        .await?;
    Ok(())
}
