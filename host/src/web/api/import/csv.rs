//! The CSV form of a master-data import: one header row naming columns,
//! then one record per row. [`COLUMNS`] is the one list of what a column
//! means: the parser accepts exactly these headers, and the OpenAPI
//! description documents exactly these (name, which records need it, its
//! format and an example).

use serde_json::{Map, Value, json};

use super::{MasterData, OccupancyRecord, PropertyRecord, RejectedRecord, UnitRecord, truncate};
use crate::storage::UNIT_KINDS;
use crate::web::ApiError;

/// One column of the CSV.
#[derive(Debug)]
pub(super) struct Column {
    pub name: &'static str,
    /// The records that must fill it; a record of another kind leaves it empty.
    pub required_for: &'static [&'static str],
    /// The records that read it (beside those that need it).
    pub optional_for: &'static [&'static str],
    /// What a value looks like, in words.
    pub format: &'static str,
    pub example: &'static str,
    /// Extra schema keywords (`enum`, `format`, `maxLength`, …).
    schema: fn() -> Value,
}

fn text(max: usize) -> Value {
    json!({ "maxLength": max })
}

const ALL: &[&str] = &["property", "unit", "occupancy"];

/// Every column the importer reads.
pub(super) const COLUMNS: &[Column] = &[
    Column {
        name: "record",
        required_for: ALL,
        optional_for: &[],
        format: "`property`, `unit` or `occupancy`: what the row is",
        example: "property",
        schema: || json!({ "enum": ALL }),
    },
    Column {
        name: "external_id",
        required_for: ALL,
        optional_for: &[],
        format: "the record's id in the source system, at most 100 characters; records are matched by it",
        example: "P-1",
        schema: || text(100),
    },
    Column {
        name: "name",
        required_for: &["property"],
        optional_for: &[],
        format: "text, at most 200 characters",
        example: "Elm Court",
        schema: || text(200),
    },
    Column {
        name: "street",
        required_for: &["property"],
        optional_for: &[],
        format: "street and number, at most 200 characters",
        example: "Elm Street 5",
        schema: || text(200),
    },
    Column {
        name: "postal_code",
        required_for: &["property"],
        optional_for: &[],
        format: "at most 20 characters",
        example: "8000",
        schema: || text(20),
    },
    Column {
        name: "city",
        required_for: &["property"],
        optional_for: &[],
        format: "at most 100 characters",
        example: "Zurich",
        schema: || text(100),
    },
    Column {
        name: "country",
        required_for: &["property"],
        optional_for: &[],
        format: "ISO 3166-1 alpha-2 code",
        example: "CH",
        schema: || json!({ "pattern": "^[A-Za-z]{2}$" }),
    },
    Column {
        name: "property",
        required_for: &["unit"],
        optional_for: &[],
        format: "the `external_id` of the unit's property (in this file or imported before)",
        example: "P-1",
        schema: || text(100),
    },
    Column {
        name: "kind",
        required_for: &["unit"],
        optional_for: &[],
        format: "one of flat, parking-space, common-room, commercial, storage, other",
        example: "flat",
        schema: || json!({ "enum": UNIT_KINDS }),
    },
    Column {
        name: "label",
        required_for: &["unit"],
        optional_for: &[],
        format: "how residents name the unit, at most 100 characters",
        example: "2.1",
        schema: || text(100),
    },
    Column {
        name: "floor",
        required_for: &[],
        optional_for: &["unit"],
        format: "at most 20 characters",
        example: "2",
        schema: || text(20),
    },
    Column {
        name: "unit",
        required_for: &["occupancy"],
        optional_for: &[],
        format: "the `external_id` of the occupancy's unit (in this file or imported before)",
        example: "U-1",
        schema: || text(100),
    },
    Column {
        name: "starts_on",
        required_for: &["occupancy"],
        optional_for: &[],
        format: "first day, `YYYY-MM-DD`",
        example: "2026-01-01",
        schema: || json!({ "format": "date" }),
    },
    Column {
        name: "ends_on",
        required_for: &[],
        optional_for: &["occupancy"],
        format: "move-out day (the first day without access), `YYYY-MM-DD`, after `starts_on`; empty: open-ended",
        example: "2027-01-01",
        schema: || json!({ "format": "date" }),
    },
];

/// The name of the row's schema in the description.
const ROW_SCHEMA: &str = "MasterDataCsvRow";

/// The `text/csv` Media Type Object of the import, and the row's schema
/// among the description's schemas.
pub(super) fn media(generator: &mut schemars::SchemaGenerator) -> Value {
    let mut properties = Map::new();
    for column in COLUMNS {
        let needed = |records: &[&str]| records.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ");
        let need = match (column.required_for, column.optional_for) {
            (required, _) if required == ALL => "Required in every row.".to_owned(),
            (required, []) => format!("Required for {} records.", needed(required)),
            ([], optional) => format!("Optional, for {} records.", needed(optional)),
            (required, optional) => format!("Required for {}; optional for {}.", needed(required), needed(optional)),
        };
        let mut schema = json!({
            "type": "string",
            "description": format!("{} {need}", capitalised(column.format)),
            "example": column.example,
        });
        if let (Some(schema), Value::Object(extra)) = (schema.as_object_mut(), (column.schema)()) {
            schema.extend(extra);
        }
        properties.insert(column.name.to_owned(), schema);
    }
    let required: Vec<&str> = COLUMNS.iter().filter(|c| c.required_for == ALL).map(|c| c.name).collect();
    generator.definitions_mut().insert(
        ROW_SCHEMA.to_owned(),
        json!({
            "type": "object",
            "description": "One row of a CSV import, by its header's column names. Columns may come in any order, \
                            and those no row of the file needs may be left out; a column not listed here is refused.",
            "required": required,
            "properties": properties,
        }),
    );
    let mut table = String::from("| column | needed | format | example |\n|---|---|---|---|\n");
    for column in COLUMNS {
        let needed = match (column.required_for, column.optional_for) {
            (required, _) if required == ALL => "always".to_owned(),
            ([], optional) => format!("optional ({})", optional.join(", ")),
            (required, _) => required.join(", "),
        };
        table.push_str(&format!("| `{}` | {needed} | {} | `{}` |\n", column.name, column.format, column.example));
    }
    json!({
        "schema": {
            "type": "string",
            "description": format!(
                "CSV (RFC 4180, UTF-8): a header row naming columns, then one record per row, each a \
                 `{ROW_SCHEMA}` (#/components/schemas/{ROW_SCHEMA}). Rows may come in any order: all \
                 properties are imported first, then all units, then all occupancies.\n\n{table}"
            ),
        },
        "example": example(),
        "x-courtyard-row-schema": format!("#/components/schemas/{ROW_SCHEMA}"),
    })
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// A file with one record of each kind, from the columns' examples.
fn example() -> String {
    let header: Vec<&str> = COLUMNS.iter().map(|c| c.name).collect();
    let mut csv = header.join(",") + "\n";
    for record in ALL {
        let row: Vec<&str> = COLUMNS
            .iter()
            .map(|c| match c.name {
                "record" => record,
                "external_id" => match *record {
                    "property" => "P-1",
                    "unit" => "U-1",
                    _ => "O-1",
                },
                _ if c.required_for.contains(record) || c.optional_for.contains(record) => c.example,
                _ => "",
            })
            .collect();
        csv.push_str(&row.join(","));
        csv.push('\n');
    }
    csv
}

pub(super) type Parsed = (MasterData, [Vec<usize>; 3], Vec<RejectedRecord>);

/// Splits a CSV into records, remembering each one's line; rows that are not
/// records at all are rejected here.
pub(super) fn parse(bytes: &[u8]) -> Result<Parsed, ApiError> {
    let mut reader = ::csv::ReaderBuilder::new().trim(::csv::Trim::All).flexible(false).from_reader(bytes);
    let headers = reader.headers().map_err(|err| ApiError::invalid(format!("the CSV header is unreadable: {err}")))?;
    // Where each known column is in a row.
    let mut index: Vec<(&'static str, usize)> = Vec::new();
    for (position, header) in headers.iter().enumerate() {
        let Some(column) = COLUMNS.iter().find(|column| column.name == header) else {
            let known: Vec<&str> = COLUMNS.iter().map(|column| column.name).collect();
            return Err(ApiError::invalid(format!(
                "the CSV has a column `{}` the import does not know; its columns are {}",
                truncate(header),
                known.join(", ")
            )));
        };
        if index.iter().any(|(name, _)| *name == column.name) {
            return Err(ApiError::invalid(format!("the CSV names the column `{}` twice", column.name)));
        }
        index.push((column.name, position));
    }
    if !index.iter().any(|(name, _)| *name == "record") {
        return Err(ApiError::invalid("the CSV needs a `record` column (property, unit or occupancy)"));
    }
    let mut data = MasterData::default();
    let mut lines: [Vec<usize>; 3] = Default::default();
    let mut rejected = Vec::new();
    for (row_index, row) in reader.records().enumerate() {
        let line = row_index + 2;
        let row = match row {
            Ok(row) => row,
            Err(err) => {
                rejected.push(RejectedRecord {
                    record: "row",
                    position: line,
                    external_id: None,
                    reason: format!("unreadable row: {err}"),
                });
                continue;
            }
        };
        // An empty cell is an absent value.
        let optional = |name: &str| {
            index
                .iter()
                .find(|(column, _)| *column == name)
                .and_then(|(_, position)| row.get(*position))
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let field = |name: &str| optional(name).unwrap_or_default();
        match field("record").as_str() {
            "property" => {
                data.properties.push(PropertyRecord {
                    external_id: field("external_id"),
                    name: field("name"),
                    street: field("street"),
                    postal_code: field("postal_code"),
                    city: field("city"),
                    country: field("country"),
                });
                lines[0].push(line);
            }
            "unit" => {
                data.units.push(UnitRecord {
                    external_id: field("external_id"),
                    property: field("property"),
                    kind: field("kind"),
                    label: field("label"),
                    floor: optional("floor"),
                });
                lines[1].push(line);
            }
            "occupancy" => {
                data.occupancies.push(OccupancyRecord {
                    external_id: field("external_id"),
                    unit: field("unit"),
                    starts_on: field("starts_on"),
                    ends_on: optional("ends_on"),
                });
                lines[2].push(line);
            }
            other => rejected.push(RejectedRecord {
                record: "row",
                position: line,
                external_id: optional("external_id").map(|id| truncate(&id)),
                reason: format!("`record` must be property, unit or occupancy, not `{}`", truncate(other)),
            }),
        }
    }
    Ok((data, lines, rejected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_keep_their_line_numbers_and_bad_rows_are_reported() {
        let csv = "record,external_id,name,street,postal_code,city,country,property,kind,label\n\
                   property,P1,Elm 5,Elm Street 5,8000,Zurich,CH,,,\n\
                   garage,X,,,,,,,,\n\
                   unit,U1,,,,,,P1,flat,1.1\n";
        let (data, lines, rejected) = parse(csv.as_bytes()).unwrap();
        assert_eq!(data.properties.len(), 1);
        assert_eq!(lines[1], vec![4]);
        assert_eq!(rejected.len(), 1);
        assert_eq!(rejected[0].position, 3);
        assert!(parse(b"external_id,name\nP1,x\n").is_err());
    }

    #[test]
    fn unknown_and_repeated_columns_are_refused_by_name() {
        let unknown = parse(b"record,external_id,postcode\nproperty,P1,8000\n").unwrap_err();
        assert!(unknown.message.contains("`postcode`") && unknown.message.contains("postal_code"), "{unknown:?}");
        let twice = parse(b"record,name,name\nproperty,a,b\n").unwrap_err();
        assert!(twice.message.contains("twice"), "{twice:?}");
    }

    /// The documented example is a file the importer reads without a
    /// rejection, every column's example landing in its record.
    #[test]
    fn every_documented_column_is_read_and_the_example_imports() {
        let (data, lines, rejected) = parse(example().as_bytes()).unwrap();
        assert!(rejected.is_empty(), "{rejected:?}");
        assert_eq!(lines, [vec![2], vec![3], vec![4]]);
        let (property, unit, occupancy) = (&data.properties[0], &data.units[0], &data.occupancies[0]);
        let read = |name: &str| -> Option<&str> {
            Some(match name {
                "name" => &property.name,
                "street" => &property.street,
                "postal_code" => &property.postal_code,
                "city" => &property.city,
                "country" => &property.country,
                "property" => &unit.property,
                "kind" => &unit.kind,
                "label" => &unit.label,
                "floor" => unit.floor.as_deref()?,
                "unit" => &occupancy.unit,
                "starts_on" => &occupancy.starts_on,
                "ends_on" => occupancy.ends_on.as_deref()?,
                _ => return None,
            })
        };
        for column in COLUMNS.iter().filter(|c| !["record", "external_id"].contains(&c.name)) {
            assert_eq!(read(column.name), Some(column.example), "column {}", column.name);
        }
        assert_eq!(
            [&property.external_id, &unit.external_id, &occupancy.external_id],
            ["P-1", "U-1", "O-1"].map(str::to_owned).iter().collect::<Vec<_>>().as_slice()
        );
    }

    #[test]
    fn the_description_lists_every_column_with_its_needs_format_and_example() {
        let mut generator = schemars::generate::SchemaSettings::openapi3().into_generator();
        let media = media(&mut generator);
        let row = &generator.definitions()[ROW_SCHEMA];
        for column in COLUMNS {
            let documented = &row["properties"][column.name];
            assert_eq!(documented["example"], column.example, "{}", column.name);
            assert!(documented["description"].as_str().unwrap().len() > 20, "{}", column.name);
            let table = media["schema"]["description"].as_str().unwrap();
            assert!(table.contains(&format!("| `{}` |", column.name)), "{table}");
        }
        assert_eq!(row["required"], json!(["record", "external_id"]));
        assert_eq!(row["properties"]["kind"]["enum"], json!(UNIT_KINDS));
        assert_eq!(media["example"], example());
    }
}
