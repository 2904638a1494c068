//! A host's frame ([`Frame`]: named columns in any layout) reads by the rule CSV exports read by:
//! the demo team's export as columns gives exactly the records, summaries and totals of the CSV
//! text; ignored columns are listed; every problem is reported at once, by the header as written.

use perfscore::batch::{Column, Frame, Threads};
use perfscore::templates::{plan_template, DEMO_TEAM_CSV};
use perfscore::{Error, Plan, ScoreOptions};

fn one() -> Threads {
    Threads::from_count(Some(1)).unwrap()
}

fn plan() -> Plan {
    Plan::from_json(plan_template("monthly-sales-rep").unwrap()).unwrap()
}

/// A CSV text as Arrow-style text columns: (header, offsets, bytes), cells as written.
fn text_columns(csv: &str) -> Vec<(String, Vec<i32>, Vec<u8>)> {
    let mut lines = csv.lines();
    let headers: Vec<&str> = lines.next().unwrap().split(',').collect();
    let mut columns: Vec<(String, Vec<i32>, Vec<u8>)> = headers
        .iter()
        .map(|h| {
            (
                h.trim_start_matches('\u{feff}').to_string(),
                vec![0],
                Vec::new(),
            )
        })
        .collect();
    for line in lines {
        // The demo export quotes nothing.
        for (cell, (_, offsets, bytes)) in line.split(',').zip(columns.iter_mut()) {
            bytes.extend_from_slice(cell.as_bytes());
            offsets.push(i32::try_from(bytes.len()).unwrap());
        }
    }
    columns
}

fn frame_of(columns: &[(String, Vec<i32>, Vec<u8>)]) -> Frame<'_> {
    let mut frame = Frame::new();
    for (name, offsets, bytes) in columns {
        frame.push(name, Column::text(offsets, bytes));
    }
    frame
}

fn messages(e: &Error) -> Vec<(String, String)> {
    e.problems()
        .iter()
        .map(|p| (p.path(), p.message.clone()))
        .collect()
}

#[test]
fn the_demo_export_as_columns_reads_as_its_csv() {
    let plan = plan();
    let columns = text_columns(DEMO_TEAM_CSV);
    let read = plan.read_frame(&frame_of(&columns), one()).unwrap();
    // 工号 is the id; 姓名, team, department, branch are attributes; every measure header is
    // an id or an alias; 备注 (notes) is the one column the plan does not read.
    assert_eq!(read.ignored, ["备注"]);
    let records = plan.records_from_csv(DEMO_TEAM_CSV).unwrap();
    assert_eq!(read.table.len(), records.len());
    let options = ScoreOptions::default();
    let from_frame = plan.summarize(&read.table, &options, None).unwrap();
    assert_eq!(read.table.ids()[0], "E001");
    for (row, record) in from_frame.iter().zip(&records) {
        let card = plan.score(record).unwrap();
        assert_eq!(row.summary.total, card.total);
        assert_eq!(row.summary.grade, card.grade);
    }
    // The totals path gives the same numbers from the same columns.
    let (ids, totals) = plan.frame_totals(&frame_of(&columns), one()).unwrap();
    assert_eq!(ids, read.table.ids());
    for (i, row) in from_frame.iter().enumerate() {
        assert_eq!(totals.total(i), Some(row.summary.total));
    }
}

#[test]
fn every_layout_reads_the_same_values() {
    // 1,046,800.00 and 719,500.00 (the demo's first two revenues) in four layouts.
    let plan = plan();
    let (id_offsets, id_bytes) = ([0i32, 4, 8], b"E001E002");
    let floats = [1_046_800.0, 719_500.0];
    let cents = [104_680_000i64, 71_950_000];
    let (t_offsets, t_bytes) = ([0i32, 10, 19], b"1046800.00719500.00");
    let decimals = [
        Some("1046800".parse().unwrap()),
        Some("719500".parse().unwrap()),
    ];
    let layouts = [
        Column::f64(&floats),
        Column::i64(&cents, 2),
        Column::text(&t_offsets, t_bytes),
        Column::decimals(&decimals),
    ];
    let mut tables = Vec::new();
    for revenue in layouts {
        let frame = Frame::new()
            .column("id", Column::text(&id_offsets, id_bytes))
            .column("销售额", revenue);
        let read = plan.read_frame(&frame, one()).unwrap();
        tables.push(read.table.row(0).unwrap().to_vec());
        assert!(read.ignored.is_empty());
    }
    assert!(tables.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn whole_numbers_are_ids_and_an_explicit_id_column_wins() {
    let plan = plan();
    // pandas turns integer ids with a gap into floats: 1001.0 is the id `1001`.
    let ids = [1001.0, f64::NAN, 1003.5];
    let revenue = [1.0, 2.0, 3.0];
    let frame = Frame::new()
        .column("工号", Column::f64(&ids))
        .column("revenue", Column::f64(&revenue));
    let e = plan.read_frame(&frame, one()).unwrap_err();
    assert_eq!(
        messages(&e),
        [
            (
                "records[1].id".to_string(),
                "record id is empty".to_string()
            ),
            (
                "records[2].id".to_string(),
                "an id is text or a whole number, not `1003.5`".to_string()
            ),
        ]
    );
    let numbers = [7i64, 8];
    let (offsets, bytes) = ([0i32, 1, 2], b"ab");
    let frame = Frame::new()
        .column("id", Column::text(&offsets, bytes))
        .column("staff_no", Column::i64(&numbers, 0))
        .id_column("staff_no");
    let read = plan.read_frame(&frame, one()).unwrap();
    assert_eq!(read.table.ids(), ["7", "8"]);
}

#[test]
fn every_problem_at_once_by_the_header_as_written() {
    let plan = plan();
    let (id_offsets, id_bytes) = ([0i32, 2, 4, 6], b"E1E2E1");
    let (t_offsets, t_bytes) = ([0i32, 3, 4, 5], b"abc12");
    let revenue = [1.0, f64::INFINITY, 3.0];
    let short = [1.0];
    let frame = Frame::new()
        .column("id", Column::text(&id_offsets, id_bytes))
        .column("销售额", Column::text(&t_offsets, t_bytes))
        .column("revenue", Column::f64(&revenue))
        .column("visits", Column::f64(&short))
        .column("回款金额", Column::f64(&revenue));
    let e = plan.read_frame(&frame, one()).unwrap_err();
    // Hand-listed: the second revenue column and the short column first (frame problems), then
    // rows in order: row 0's text cell, row 1's infinity (collected twice over, by its header),
    // row 2's repeated id.
    assert_eq!(
        messages(&e),
        [
            (
                "columns[2]".into(),
                "`revenue` is a second column for measure `revenue`".into()
            ),
            (
                "columns[3]".into(),
                "column `visits` has 1 values, but the id column has 3".into()
            ),
            (
                "records[0] (E1).销售额".into(),
                "`abc` is not a number".into()
            ),
            (
                "records[1] (E2).回款金额".into(),
                "inf is not a finite number".into()
            ),
            ("records[2].id".into(), "duplicate record id `E1`".into()),
        ]
    );
    // The totals path reports exactly the same.
    let t = plan.frame_totals(&frame, one()).unwrap_err();
    assert_eq!(messages(&t), messages(&e));
}

#[test]
fn a_frame_without_an_id_column_says_what_it_has() {
    let plan = plan();
    let revenue = [1.0];
    let frame = Frame::new().column("revenue", Column::f64(&revenue));
    let e = plan.read_frame(&frame, one()).unwrap_err();
    assert_eq!(
        messages(&e),
        [(
            "columns".to_string(),
            "no id column (expected a header such as `id` or `工号`; columns: `revenue`)"
                .to_string()
        )]
    );
    let e = plan
        .read_frame(&frame.id_column("staff"), one())
        .unwrap_err();
    assert_eq!(
        e.problems()[0].message,
        "no id column `staff` (columns: `revenue`)"
    );
    assert_eq!(e.problems()[0].kind, "missing");
}

#[test]
fn threads_give_the_same_table_and_problems() {
    let plan = plan();
    let n: u32 = 10_000;
    let mut offsets = vec![0i32];
    let mut bytes = Vec::new();
    for i in 0..n {
        bytes.extend_from_slice(format!("E{i:05}").as_bytes());
        offsets.push(i32::try_from(bytes.len()).unwrap());
    }
    let mut revenue: Vec<f64> = (0..n).map(|i| f64::from(i) * 10.5).collect();
    revenue[17] = f64::INFINITY;
    revenue[9_000] = f64::NEG_INFINITY;
    let frame = Frame::new()
        .column("id", Column::text(&offsets, &bytes))
        .column("revenue", Column::f64(&revenue));
    let single = messages(&plan.read_frame(&frame, one()).unwrap_err());
    for t in [2, 3, 8] {
        let threads = Threads::from_count(Some(t)).unwrap();
        assert_eq!(
            messages(&plan.read_frame(&frame, threads).unwrap_err()),
            single
        );
    }
    assert_eq!(single.len(), 2);
    revenue[17] = 0.0;
    revenue[9_000] = 0.0;
    let frame = Frame::new()
        .column("id", Column::text(&offsets, &bytes))
        .column("revenue", Column::f64(&revenue));
    let single = plan.read_frame(&frame, one()).unwrap().table;
    let many = plan
        .read_frame(&frame, Threads::from_count(Some(4)).unwrap())
        .unwrap()
        .table;
    assert!((0..n as usize).all(|i| single.row(i) == many.row(i)));
}

#[test]
fn a_batch_in_parts_numbers_rows_from_its_start_and_sees_repeats_across_parts() {
    use perfscore::batch::{FrameStream, Summaries};
    let plan = plan();
    let columns = text_columns(DEMO_TEAM_CSV);
    let whole = plan.read_frame(&frame_of(&columns), one()).unwrap().table;
    let options = ScoreOptions::default();
    let expected = plan.summarize(&whole, &options, None).unwrap();
    // The twelve rows as parts of 5, 5 and 2 rows: the same totals in the same order.
    let part = |from: usize, to: usize| -> Vec<(String, Vec<i32>, Vec<u8>)> {
        columns
            .iter()
            .map(|(name, offsets, bytes)| {
                let (a, b) = (offsets[from] as usize, offsets[to] as usize);
                let offsets = offsets[from..=to]
                    .iter()
                    .map(|o| o - offsets[from])
                    .collect();
                (name.clone(), offsets, bytes[a..b].to_vec())
            })
            .collect()
    };
    let mut stream = FrameStream::new();
    let mut totals = Vec::new();
    for (from, to) in [(0, 5), (5, 10), (10, 12)] {
        let p = part(from, to);
        let done = stream
            .summarize(&plan, &frame_of(&p), &options, None, one())
            .unwrap();
        let Summaries::Totals(t) = done.summaries else {
            panic!("period end takes the kernel")
        };
        totals.extend((0..t.units.len()).map(|i| t.total(i).unwrap()));
    }
    assert_eq!(stream.rows(), 12);
    let want: Vec<_> = expected.iter().map(|r| r.summary.total).collect();
    assert_eq!(totals, want);
    // A fourth part repeating rows 10–11 (E011, E012): duplicates at rows 12 and 13 of the batch.
    let again = part(10, 12);
    let e = stream
        .summarize(&plan, &frame_of(&again), &options, None, one())
        .unwrap_err();
    assert_eq!(
        messages(&e),
        [
            ("records[12].id".into(), "duplicate record id `E011`".into()),
            ("records[13].id".into(), "duplicate record id `E012`".into()),
        ]
    );
    // A bad cell in a later part is numbered from the batch's start too.
    let mut bad = part(0, 2);
    let revenue = bad.iter_mut().find(|c| c.0 == "销售额").unwrap();
    revenue.2 = b"12x719500.00".to_vec();
    revenue.1 = vec![0, 3, 12];
    for c in bad.iter_mut().filter(|c| c.0 == "工号") {
        c.2 = b"N001N002".to_vec();
        c.1 = vec![0, 4, 8];
    }
    let e = stream
        .summarize(&plan, &frame_of(&bad), &options, None, one())
        .unwrap_err();
    assert_eq!(
        messages(&e),
        [(
            "records[14] (N001).销售额".into(),
            "`12x` is not a number".into()
        )]
    );
}

#[test]
fn summaries_gather_into_the_same_columns_from_the_kernel_and_the_engine() {
    use perfscore::batch::{FramePart, Summaries, SummaryColumns};
    let plan = plan();
    let columns = text_columns(DEMO_TEAM_CSV);
    let read = plan.read_frame(&frame_of(&columns), one()).unwrap();
    let options = ScoreOptions::default();
    let part = |summaries| FramePart {
        ids: read.table.ids().iter().collect(),
        summaries,
        ignored: read.ignored.clone(),
    };
    let mut kernel = SummaryColumns::new(&plan);
    let lean = plan
        .summarize_lean(&read.table, &options, None, one())
        .unwrap();
    assert!(matches!(lean, Summaries::Totals(_)));
    kernel.push(part(lean));
    let mut engine = SummaryColumns::new(&plan);
    let rows = plan
        .summarize_with(&read.table, &options, None, one())
        .unwrap();
    engine.push(part(Summaries::Rows(rows)));
    assert_eq!(kernel.len(), 12);
    assert_eq!(kernel.totals, engine.totals);
    assert_eq!(kernel.grades, engine.grades);
    assert_eq!(kernel.grades_before_veto, engine.grades_before_veto);
    assert_eq!(kernel.vetoed, engine.vetoed);
    assert_eq!(kernel.grade_names, engine.grade_names);
    assert_eq!(kernel.ignored, ["备注"]);
    // The demo's printed table: E001 119.16 S; E004's veto zeroes its total (0.00 D).
    let name = |g: u16| &*kernel.grade_names[usize::from(g)];
    assert_eq!(kernel.totals[0].to_string(), "119.16");
    assert_eq!(name(kernel.grades[0]), "S");
    assert_eq!(name(kernel.grades[3]), "D");
    assert!(kernel.vetoed[3]);
    assert_eq!(kernel.totals[3].to_string(), "0.00");
    assert!(kernel.pay.is_empty());
}
