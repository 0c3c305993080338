from storylens.cli import main

main()
