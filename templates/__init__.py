"""The templates bundled with yusuan: one format file per region and its xlsx/ and docx/ template folders."""
