from screener.launch import main

main()
