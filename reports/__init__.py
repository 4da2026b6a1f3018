"""Reports the Department of Home Affairs files on the CBCCVC records (issue 9, R8, R9.3):
figures per unit and for the province over any period, and the semi-annual report as a
Decree 30/2020 DOCX (with charts) and an XLSX workbook.

Depends on `records` (the store's public read API) and `pipeline` (the working-day calendar) only.

    figures = compute_figures(store, actor, start, end, unit=None)   # -> ReportFigures
    figures_to_dict(figures)                                          # JSON-ready
    half_year(2026, 1) -> (15/12/2025, 14/06/2026)                    # NĐ 09/2019 periods
    write_docx(figures, path, meta)  /  write_xlsx(figures, path)     # meta: ReportMeta
    semiannual(store, actor, year, half, out, unit=None, meta=None)   # the whole thing
"""
from reports.figures import ReportFigures, UnitFigures, compute_figures, figures_to_dict, half_year
from reports.semiannual import ReportMeta, semiannual, write_docx, write_xlsx

__all__ = ["ReportFigures", "ReportMeta", "UnitFigures", "compute_figures", "figures_to_dict", "half_year",
           "semiannual", "write_docx", "write_xlsx"]
