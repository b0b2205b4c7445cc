//! A statement assembled from parts, with its values bound in the order
//! their placeholders appear: values are never spliced into the text.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

/// One bound value.
#[derive(Debug, Clone)]
pub(super) enum Bound {
    Text(String),
    Integer(i64),
    Float(f64),
}

/// SQL text and the values of its `$n` placeholders.
#[derive(Debug, Default)]
pub(super) struct Sql {
    text: String,
    values: Vec<Bound>,
}

impl Sql {
    pub fn new(text: &str) -> Sql {
        Sql { text: text.to_owned(), values: Vec::new() }
    }

    /// Appends text, which must hold no values.
    pub fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Binds a value and answers its placeholder.
    pub fn bind(&mut self, value: Bound) -> String {
        self.values.push(value);
        format!("${}", self.values.len())
    }

    pub fn bind_text(&mut self, value: &str) -> String {
        self.bind(Bound::Text(value.to_owned()))
    }

    pub fn bind_integer(&mut self, value: i64) -> String {
        self.bind(Bound::Integer(value))
    }

    #[cfg(test)]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The statement, ready to run.
    pub fn query(&self) -> Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query::<Any>(&self.text);
        for value in &self.values {
            query = match value {
                Bound::Text(text) => query.bind(text.as_str()),
                Bound::Integer(integer) => query.bind(*integer),
                Bound::Float(float) => query.bind(*float),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use super::{Bound, Sql};

    #[test]
    fn placeholders_follow_the_order_values_are_bound_in() {
        let mut sql = Sql::new("SELECT 1 FROM t WHERE a = ");
        let a = sql.bind_text("x");
        sql.push(&a);
        let b = sql.bind(Bound::Integer(4));
        sql.push(&format!(" AND b = {b} AND c = {a}"));
        assert_eq!(sql.text(), "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = $1");
        assert_eq!(sql.values.len(), 2);
    }
}
