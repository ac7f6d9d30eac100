//! The stand-alone figure: caption, chart and text lines.
