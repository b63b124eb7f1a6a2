"""Reports (raportit): slide figures and a one-page HTML report of a result directory.

``kasvu report DIR`` is :func:`write_report`. Where to look:

- :mod:`.directories`: reading a run, comparison or sweep directory
  (:func:`read_result_directory`, :class:`ResultDirectory`): the data contract;
- :mod:`.page`: the figures' files and the HTML page (:func:`write_report`);
- :mod:`.plans`: which figures a directory supports and how each is made;
- :mod:`.figures`: figures over time and by group; :mod:`.impact`: impacts by
  municipality, by lever, on the map, and sensitivity indices;
- :mod:`.style`: the house style of slide figures; :mod:`.stats`: bands and intervals
  over replications;
- :mod:`.summary`: the plain-language summary's numbers and sentences;
  :mod:`.i18n`: labels and number formats in Finnish and English.
"""

from .directories import ResultDirectory, read_result_directory
from .page import ReportError, parse_formats, write_report

__all__ = ["ReportError", "ResultDirectory", "parse_formats", "read_result_directory",
           "write_report"]
