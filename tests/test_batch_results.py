"""A batch's results wait in a temporary file: read back whole, in the order of the specs, replaced where
a unit is put again; kept in memory where no file can be made or written."""
import tempfile

import pytest

from generator.batch_results import Results, UnitResult


def result(n: int, status: str = "生成") -> UnitResult:
    return UnitResult(spec=f"specs/单位{n}.yaml", status=status, unit=f"第{n}单位", year=2024 + n % 2,
                      folder=f"out/2024/第{n}单位", files=[f"2024/第{n}单位/公开表.xlsx"],
                      figures={"收支总计": f"{n}.50", "三公经费": None}, errors=n % 2, warnings=n,
                      findings=[{"code": "W-X", "message": "说明\n第二行「=SUM(A1)」", "line": n}])


def test_results_come_back_whole_in_the_order_of_the_specs():
    results = Results(5)
    for place in (3, 0, 4):  # as the workers finish; place 1 and 2 never do (an interrupted batch)
        results.put(place, result(place, "失败" if place == 4 else "生成"))
    units = results.in_order()
    assert len(units) == 3 == results.done
    assert list(units) == [result(0), result(3), result(4, "失败")]
    assert units[1] == result(3) and units[-1] == result(4, "失败") and units[:2] == [result(0), result(3)]
    assert results.count_of("生成") == 2 and results.count_of("失败") == 1 and results.count_of("未变") == 0
    assert list(results.places("失败")) == [4]


def test_a_result_put_again_replaces_the_first():
    results = Results(2)
    results.put(0, result(0))
    results.put(1, result(1))
    clash = result(0, "失败")
    clash.findings.append({"code": "E-BUILD-DUPLICATE"})
    results.put(0, clash)
    assert results.at(0) == clash and results.at(1) == result(1)
    assert results.count_of("生成") == 1 and results.count_of("失败") == 1


def test_without_a_temporary_file_results_stay_in_memory(monkeypatch):
    def refuse():
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    results = Results(2)
    results.put(1, result(1))
    assert list(results.in_order()) == [result(1)]


def test_a_result_that_cannot_be_written_stays_in_memory(monkeypatch):
    results = Results(2)
    results.put(0, result(0))
    assert results._file is not None

    def full(data):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(results._file, "write", full)
    results.put(1, result(1))
    assert list(results.in_order()) == [result(0), result(1)] and list(results._kept) == [1]


def test_the_batch_process_keeps_no_result_in_memory():
    results = Results(1000)
    for place in range(1000):
        results.put(place, result(place))
    assert results._kept == {}
    assert results._file is not None and results._file.seek(0, 2) > 1000 * 200  # they are in the file
    assert results.at(999) == result(999)
    results.close()
    with pytest.raises(ValueError):
        results.at(0)  # closed with its file
