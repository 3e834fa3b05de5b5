 *$
Ÿœ€¤§Ú
°ê€¼ı
àÔ€¼ı*&
Ÿœ€Úñë
°ê€Æ†
àÔ€Æ†2Uexample: 400 kWh a weekday, 150 kWh a weekend day at 15 degC, +20 kWh per degC colder