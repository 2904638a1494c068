"""Long batches behave: scored part by part (parts of at most 65,536 rows), a batch reports its
progress, stops on Ctrl-C within a part and returns nothing, and can be streamed part by part with
rows numbered and ids checked across the whole stream; every way gives the numbers of one call."""

import _thread
import io
import threading

import polars as pl
import pyarrow as pa
import pytest

import perfscore

CSV = perfscore.demo_team_csv()
PLAN = perfscore.Plan.template("monthly-sales-rep")
DEMO = pl.read_csv(io.StringIO(CSV))


def team(copies: int) -> pl.DataFrame:
    """The demo team repeated, each copy's ids made unique (E001-0, E001-1, …)."""
    copy = (pl.int_range(pl.len()) // DEMO.height).cast(pl.String)
    return pl.concat([DEMO] * copies, rechunk=True).with_columns((pl.col("工号") + "-" + copy).alias("工号"))


def test_parts_give_the_numbers_of_one_call():
    big = team(12_000)  # 144,000 rows: three parts
    table = PLAN.summarize_frame(big)
    # One call over all the records, without parts: the same numbers.
    records = PLAN.records_from_csv(big.write_csv())
    totals = PLAN.totals(records)
    assert len(table) == 144_000
    assert table.totals == totals["totals"] and table.record_ids == totals["ids"]
    # Every copy of a person scores the same.
    assert table.totals[:12] == table.totals[-12:]


def test_progress_is_reported_after_each_part():
    calls = []
    PLAN.summarize_frame(team(12_000), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(65_536, 144_000), (131_072, 144_000), (144_000, 144_000)]
    with pytest.raises(TypeError, match="progress"):
        PLAN.summarize_frame(DEMO, progress=5)


def test_problems_of_every_part_are_raised_together_with_rows_from_the_start():
    big = team(12_000).with_columns(pl.col("销售额").cast(pl.String))
    bad = big.with_columns(
        pl.when(pl.int_range(pl.len()).is_in([3, 100_000])).then(pl.lit("x")).otherwise(pl.col("销售额")).alias("销售额")
    )
    with pytest.raises(perfscore.InputError) as info:
        PLAN.summarize_frame(bad)
    assert [p.path for p in info.value.problems] == ["records[3] (E004-0).销售额", "records[100000] (E005-8333).销售额"]


def test_ctrl_c_stops_a_batch_within_a_part_and_returns_nothing():
    big = team(50_000)  # 600,000 rows: ten parts of at most 65,536
    reported, fired_after = [], []

    def ctrl_c():
        fired_after.append(len(reported))
        _thread.interrupt_main()

    def progress(done, total):
        reported.append(done)
        if len(reported) == 1:
            # Ctrl-C from another thread while the second part is scored (without the GIL).
            threading.Thread(target=ctrl_c).start()

    result = None
    with pytest.raises(KeyboardInterrupt):
        result = PLAN.summarize_frame(big, progress=progress)
    assert result is None and fired_after
    # Counted in parts, not timed (a loaded machine cannot make it flaky): the batch stops at the
    # end of the part during which Ctrl-C came, reporting no part after it, long before the tenth.
    assert reported[0] == 65_536
    assert len(reported) <= fired_after[0] + 1 < 10, (reported, fired_after)


def test_a_stream_is_scored_part_by_part_with_ids_checked_across_parts():
    # An Arrow stream of three batches, read one at a time, parts of at most 5 rows.
    batches = pa.Table.from_pandas(DEMO.to_pandas()).to_batches(max_chunksize=7)
    reader = pa.RecordBatchReader.from_batches(batches[0].schema, batches)
    stream = PLAN.iter_summaries(reader, part_rows=5)
    parts = list(stream)
    assert [len(p) for p in parts] == [5, 2, 5]  # batch of 7 → 5 + 2, batch of 5
    whole = PLAN.summarize_frame(DEMO)
    assert [t for p in parts for t in p.totals] == whole.totals
    assert stream.rows == 12
    # The same team twice in one stream: the second E001 is row 12 of the stream.
    twice = pa.concat_tables([pa.table(DEMO), pa.table(DEMO)])
    stream = PLAN.iter_summaries(twice, part_rows=12)
    assert len(next(stream)) == 12
    with pytest.raises(perfscore.InputError) as info:
        next(stream)
    assert info.value.problems[0].path == "records[12].id"
    assert info.value.problems[0].message == "duplicate record id `E001`"


def test_a_pandas_frame_of_several_arrow_batches_is_scored_batch_by_batch_as_one_call():
    import pandas as pd

    # Two copies of the team in one pandas frame whose Arrow form is two batches (pyarrow-backed
    # columns keep their chunks), read batch by batch without joining the columns.
    two = team(2)
    halves = [pa.table(two.slice(0, 12).to_arrow()), pa.table(two.slice(12, 12).to_arrow())]
    frame = pa.concat_tables(halves).to_pandas(types_mapper=pd.ArrowDtype)
    assert len(list(pa.RecordBatchReader.from_stream(frame))) == 2
    table = PLAN.summarize_frame(frame)
    whole = PLAN.summarize_frame(two)
    assert table.record_ids == whole.record_ids and table.totals == whole.totals
    # A repeated id and a bad cell in the second batch: rows numbered from the frame's start.
    bad = frame.copy()
    bad["销售额"] = bad["销售额"].astype(str)
    bad.loc[15, "销售额"] = "x"
    bad.loc[20, "工号"] = "E001-0"
    with pytest.raises(perfscore.InputError) as info:
        PLAN.summarize_frame(bad)
    assert [p.path for p in info.value.problems] == ["records[15] (E004-1).销售额", "records[20].id"]
