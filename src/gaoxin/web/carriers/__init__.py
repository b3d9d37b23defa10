"""The carriers app: innovation carriers: incubators and 众创空间, the listing reserve, 揭榜挂帅 challenges."""
