from referral_intake.cli import main

main()
