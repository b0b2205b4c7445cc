//! Blocking a neighbour, and the check every message passes.
//!
//! A block is the blocker's document naming the blocked person as its one
//! participant (see [`crate::model`]): the blocker's requests find it as
//! their own, the blocked person's requests find it as one naming them.
//! Neither side ever gets a list of who blocked them.

use courtyard_sdk::time::Timestamp;
use courtyard_sdk::{Doc, Error, Params, Request, Response, Visibility, log};
use serde::{Deserialize, Serialize};

use crate::model::{BLOCKS, Block, is_subject};
use crate::people::{self, Names};
use crate::{page, run, texts};

/// The most blocks one person keeps that the app reads at once.
const MAX_BLOCKS: u32 = 100;

/// How two residents stand, seen from one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Free,
    /// The reader blocked the other person at that time.
    Blocked(Timestamp),
    /// The other person blocked the reader.
    BlockedBy,
}

/// How `me` and `other` stand.
pub fn standing(me: &str, other: &str) -> Result<Standing, Error> {
    let mine = BLOCKS.query().mine_only().filter("blocked", other).limit(1).fetch()?;
    if let Some(block) = mine.items.first() {
        return Ok(Standing::Blocked(block.created_at));
    }
    // Blocks naming the reader are readable to them; only the other
    // person's count here.
    let against = BLOCKS.query().filter("blocked", me).limit(MAX_BLOCKS).fetch()?;
    if against.items.iter().any(|block| block.owner == other) {
        return Ok(Standing::BlockedBy);
    }
    Ok(Standing::Free)
}

impl Standing {
    /// Refuses to write when either blocked the other, saying which way
    /// only to the one who blocked.
    pub fn may_write(self, lang: courtyard_sdk::lang::Lang) -> Result<(), Error> {
        let t = texts::of(lang);
        match self {
            Standing::Free => Ok(()),
            Standing::Blocked(_) => Err(Error::Denied(t.you_blocked.to_owned())),
            Standing::BlockedBy => Err(Error::Denied(t.cannot_message.to_owned())),
        }
    }
}

/// The people the caller blocked.
pub fn mine() -> Result<Vec<Doc<Block>>, Error> {
    Ok(BLOCKS.query().mine_only().limit(MAX_BLOCKS).fetch()?.items)
}

/// A blocked neighbour as the blocker sees them.
#[derive(Debug, Clone, Serialize)]
pub struct BlockView {
    pub subject: String,
    pub name: String,
    pub blocked_at: Timestamp,
}

/// `GET /blocks`: whom the caller blocked. A block of someone who is no
/// longer a person of the property (moved out, or erased) is dropped.
pub fn list(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        asking.resident()?;
        let mut names = Names::default();
        let mut items = Vec::new();
        for block in mine()? {
            match people::person(&block.data.blocked) {
                Err(Error::NotFound) => {
                    if let Err(error) = BLOCKS.delete(&block.id) {
                        log::warn(&format!("a block of a former neighbour stays: {}", error.code()));
                    }
                }
                _ => items.push(BlockView {
                    name: names.of(&block.data.blocked, asking.lang),
                    subject: block.data.blocked,
                    blocked_at: block.created_at,
                }),
            }
        }
        if asking.page {
            return Ok(Response::html(200, page::blocks(asking, &items)));
        }
        Ok(Response::json(200, &serde_json::json!({ "items": items, "next": null })))
    })
}

/// Whom to block.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct BlockForm {
    subject: String,
}

/// `POST /blocks`: blocks a neighbour; blocking them again changes nothing.
pub fn block(request: &Request, _: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        let me = asking.resident()?;
        let typed: BlockForm = if request.is_form() { request.form()? } else { request.json()? };
        let subject = typed.subject.trim();
        if subject == me {
            return Err(Error::Invalid(texts::of(asking.lang).not_block_yourself.to_owned()));
        }
        if !is_subject(subject) {
            return Err(Error::NotFound);
        }
        people::person(subject)?;
        let existing = BLOCKS.query().mine_only().filter("blocked", subject).limit(1).fetch()?.items;
        let (status, block) = match existing.into_iter().next() {
            Some(block) => (200, block),
            None => {
                let block = Block { blocked: subject.to_owned() };
                let stored = BLOCKS
                    .new_document(&block, Visibility::Participants)
                    .participants([subject.to_owned()])
                    .insert()
                    .map_err(|error| match error {
                        // The host refuses a participant of another property.
                        Error::Invalid(_) => Error::NotFound,
                        other => other,
                    })?;
                (201, stored)
            }
        };
        if asking.page {
            return Ok(Response::see_other(&format!("{}blocks", asking.root)));
        }
        let name = Names::default().of(subject, asking.lang);
        let view = BlockView { subject: block.data.blocked, name, blocked_at: block.created_at };
        Ok(Response::json(status, &view))
    })
}

/// `DELETE /blocks/{subject}`: unblocks; unblocking someone not blocked
/// changes nothing.
pub fn unblock(request: &Request, params: &Params) -> Result<Response, Error> {
    run(request, |asking| {
        asking.resident()?;
        let subject = params.require("subject")?;
        if is_subject(subject) {
            for block in BLOCKS.query().mine_only().filter("blocked", subject).limit(MAX_BLOCKS).fetch()?.items {
                BLOCKS.delete(&block.id)?;
            }
        }
        if asking.page {
            return Ok(Response::see_other(&format!("{}blocks", asking.root)));
        }
        Ok(Response::empty(204))
    })
}
