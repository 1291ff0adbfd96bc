from spedrules.cli.main import main

main()
