package demo

// Name pools for the synthetic persons, in the Latin spellings Norwegian
// registers typically receive: Ukrainian in the official (KMU 2010)
// transliteration, Arabic, Dari/Pashto, Tigrinya and Somali names as commonly
// written, Congolese names with their French accents. Names are typical, not
// taken from real people; any match with a real person is a coincidence.

// familyName is a family name with its feminine form where the language
// inflects it (Ukrainian -skyi/-ska, -ov/-ova); Female is "" otherwise.
type familyName struct {
	Male, Female string
}

// form returns the family name for a person of the given sex.
func (f familyName) form(sex string) string {
	if sex == "female" && f.Female != "" {
		return f.Female
	}
	return f.Male
}

// namePool holds the names of one country group.
type namePool struct {
	Male, Female []string
	Family       []familyName
}

func plain(names ...string) []familyName {
	out := make([]familyName, len(names))
	for i, n := range names {
		out[i] = familyName{Male: n}
	}
	return out
}

var ukrainian = namePool{
	Male: []string{
		"Oleksandr", "Andrii", "Serhii", "Dmytro", "Volodymyr", "Mykola", "Oleksii", "Ivan",
		"Yurii", "Vasyl", "Petro", "Taras", "Bohdan", "Maksym", "Artem", "Denys", "Vitalii",
		"Ihor", "Roman", "Mykhailo", "Yaroslav", "Oleh", "Viktor", "Pavlo", "Anatolii",
		"Stanislav", "Kyrylo", "Danylo", "Nazar", "Matvii", "Illia", "Yevhen", "Vadym", "Ruslan",
	},
	Female: []string{
		"Olena", "Tetiana", "Nataliia", "Iryna", "Svitlana", "Oksana", "Yuliia", "Anna",
		"Mariia", "Kateryna", "Liudmyla", "Halyna", "Valentyna", "Viktoriia", "Olha", "Alina",
		"Anastasiia", "Dar'ia", "Sofiia", "Polina", "Khrystyna", "Yana", "Larysa", "Nadiia",
		"Inna", "Zoriana", "Mar’iana", "Solomiia", "Veronika", "Vira", "Lesia", "Uliana",
		"Diana", "Yevheniia",
	},
	Family: append(plain(
		"Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Oliinyk", "Melnyk",
		"Boiko", "Koval", "Shevchuk", "Polishchuk", "Lysenko", "Moroz", "Marchenko", "Savchenko",
		"Rudenko", "Petrenko", "Klymenko", "Pavlenko", "Tkachuk", "Kovalchuk", "Hrytsenko",
		"Ponomarenko", "Savchuk", "Zinchenko", "Kuzmenko", "Levchenko", "Ostapchuk", "Hnatiuk",
	),
		familyName{"Kovalskyi", "Kovalska"}, familyName{"Levytskyi", "Levytska"},
		familyName{"Ostrovskyi", "Ostrovska"}, familyName{"Sokolov", "Sokolova"},
		familyName{"Ivanov", "Ivanova"}, familyName{"Solov'iov", "Solov'iova"},
		familyName{"Zhuravskyi", "Zhuravska"}, familyName{"Vyshnevskyi", "Vyshnevska"},
	),
}

var syrian = namePool{
	Male: []string{
		"Mohammad", "Ahmad", "Mahmoud", "Khaled", "Omar", "Ali", "Hassan", "Hussein", "Yousef",
		"Ibrahim", "Abdullah", "Mustafa", "Samer", "Rami", "Fadi", "Tarek", "Walid", "Ammar",
		"Hamza", "Anas", "Nizar", "Majd", "Karam", "Adnan", "Ziad", "Jamal", "Firas", "Haitham",
		"Mazen", "Ayham", "Qusai", "Abdulrahman", "Mohammad Nour",
	},
	Female: []string{
		"Fatima", "Aisha", "Mariam", "Nour", "Rania", "Huda", "Layla", "Hiba", "Rasha", "Dima",
		"Lina", "Sara", "Rahaf", "Yasmin", "Aya", "Bayan", "Reem", "Ghadir", "Shaza", "Manal",
		"Amal", "Samar", "Ruba", "Zainab", "Hala", "Alaa", "Lama", "Rawan", "Asmaa", "Israa",
		"Batoul", "Nour al-Huda",
	},
	Family: plain(
		"Al-Hassan", "Al-Ahmad", "Al-Khatib", "Haddad", "Al-Masri", "Al-Hamwi", "Al-Halabi",
		"Darwish", "Khalil", "Al-Ali", "Hamdan", "Al-Saleh", "Mansour", "Al-Homsi", "Al-Sheikh",
		"Othman", "Najjar", "Al-Khalaf", "Sulaiman", "Abdo", "Al-Hussein", "Kurdi", "Issa",
		"Shaaban", "Al-Omar", "Al-Zoubi", "Qassem", "Barakat", "Al-Rifai", "Hamoud", "Jabr",
		"Saeed", "Al-Shami",
	),
}

// Kurdish given names, for the Kurdish-speaking Syrian households.
var kurdish = namePool{
	Male: []string{
		"Azad", "Serhat", "Rêber", "Baran", "Şêrko", "Dilşad", "Rêzan", "Welat", "Ciwan",
		"Berzan", "Hozan", "Zana", "Kawa", "Roj", "Dildar",
	},
	Female: []string{
		"Dilan", "Rojda", "Berfin", "Şirin", "Hêvî", "Jiyan", "Nûjiyan", "Evîn", "Rojîn",
		"Zozan", "Gulistan", "Bêrîvan", "Viyan", "Delal", "Nesrîn",
	},
}

var afghan = namePool{
	Male: []string{
		"Mohammad", "Ahmad", "Abdul Wahid", "Hamid", "Farid", "Jawad", "Mustafa", "Hussain",
		"Sayed", "Rahmatullah", "Zabihullah", "Naqibullah", "Ehsanullah", "Samiullah", "Khalid",
		"Nasir", "Omid", "Sohrab", "Bashir", "Wahid", "Jamshid", "Ramin", "Habib", "Mahdi",
		"Murtaza", "Rohullah", "Shafiq", "Yama", "Farhad", "Elyas", "Ali Reza", "Aziz",
	},
	Female: []string{
		"Fatima", "Zahra", "Maryam", "Farzana", "Shabana", "Nargis", "Mursal", "Parwana",
		"Marzia", "Masuma", "Shakila", "Sima", "Sakina", "Zainab", "Hamida", "Fereshta", "Roya",
		"Mahbooba", "Nilofar", "Laila", "Sadaf", "Tahmina", "Zarghona", "Nazanin", "Homa",
		"Wahida", "Arezo", "Halima", "Gulalai", "Malalai", "Soraya",
	},
	Family: plain(
		"Ahmadi", "Hosseini", "Rahimi", "Mohammadi", "Sultani", "Karimi", "Azizi", "Haidari",
		"Amiri", "Noori", "Rezai", "Jafari", "Sadat", "Nazari", "Hashimi", "Stanekzai", "Popal",
		"Wardak", "Durrani", "Safi", "Mohmand", "Yousufzai", "Niazi", "Barakzai", "Sharifi",
		"Rasuli", "Alizada", "Qaderi", "Sahak", "Mangal", "Akbari", "Habibi", "Hakimi",
	),
}

var eritrean = namePool{
	Male: []string{
		"Tesfay", "Yonas", "Daniel", "Filmon", "Merhawi", "Tekle", "Semere", "Habtom", "Kibrom",
		"Amanuel", "Yohannes", "Berhane", "Mehari", "Goitom", "Henok", "Samuel", "Mussie",
		"Robel", "Natnael", "Dawit", "Biniam", "Ermias", "Michael", "Efrem", "Tewelde",
		"Medhanie", "Kidane", "Okbay", "Abraham", "Haile", "Mebrahtu", "Yemane",
	},
	Female: []string{
		"Selam", "Helen", "Senait", "Saba", "Rahwa", "Winta", "Luwam", "Meron", "Hiwet",
		"Yordanos", "Freweini", "Abeba", "Tsega", "Eden", "Ruta", "Mebrat", "Semhar", "Feven",
		"Lidya", "Almaz", "Hermon", "Akberet", "Tirhas", "Adiam", "Bisrat", "Elsa", "Senay",
		"Nebiat", "Mekdes", "Milen", "Danait",
	},
	Family: plain(
		"Tesfay", "Haile", "Gebremedhin", "Tekle", "Kidane", "Berhe", "Gebrehiwet", "Asfaha",
		"Woldu", "Ghebremariam", "Habte", "Mehari", "Ghebreyesus", "Tesfamariam", "Yohannes",
		"Andemariam", "Mengis", "Kahsay", "Zerai", "Negash", "Abraha", "Weldemichael",
		"Teklehaimanot", "Ghirmay", "Ogbazghi", "Fitwi", "Measho", "Okubay", "Sebhat",
		"Estifanos", "Tewolde", "Hagos",
	),
}

var congolese = namePool{
	Male: []string{
		"Jean", "Jean-Pierre", "Patrick", "Emmanuel", "Joseph", "Pascal", "Didier", "Christian",
		"Serge", "Olivier", "Héritier", "Dieudonné", "Fiston", "Papy", "Trésor", "Glody",
		"Junior", "Cédric", "Benjamin", "Arsène", "Blaise", "Aimé", "Espoir", "Prince", "Josué",
		"Moïse", "Gédéon", "Landry", "Christophe", "Guy", "Samuel", "Jérémie",
	},
	Female: []string{
		"Marie", "Léa", "Élodie", "Grâce", "Espérance", "Gloire", "Merveille", "Chantal",
		"Solange", "Nadège", "Clarisse", "Joëlle", "Béatrice", "Françoise", "Odette",
		"Henriette", "Jeanne", "Aline", "Rachel", "Sarah", "Esther", "Dorcas", "Divine",
		"Bénédicte", "Ornella", "Patience", "Naomie", "Christelle", "Gracia", "Rebecca",
		"Noëlla", "Josée",
	},
	Family: plain(
		"Mbuyi", "Kabongo", "Mukendi", "Ilunga", "Tshibangu", "Kalala", "Lukusa", "Mwamba",
		"Kasongo", "Ngoy", "Banza", "Mutombo", "Kanyinda", "Tshimanga", "Kalonji", "Mbala",
		"Mulumba", "Nkulu", "Kazadi", "Mpoyi", "Lumbala", "Bahati", "Amani", "Byamungu",
		"Bisimwa", "Cirhuza", "Mugisho", "Balagizi", "Kitenge", "Nsimba", "Matondo", "Nzuzi",
	),
}

var somali = namePool{
	Male: []string{
		"Mohamed", "Abdi", "Ahmed", "Ali", "Hassan", "Abdirahman", "Abdullahi", "Omar", "Yusuf",
		"Ismail", "Abdiaziz", "Mahad", "Liban", "Farah", "Bashir", "Said", "Hamza", "Abdiwali",
		"Mustafe", "Jama", "Guled", "Sharmarke", "Ayanle", "Khalid", "Nur", "Salah", "Ilyas",
		"Warsame", "Dahir", "Osman", "Abdikarim", "Hamse",
	},
	Female: []string{
		"Fadumo", "Hodan", "Amina", "Asha", "Ayan", "Hawa", "Halima", "Khadija", "Maryan",
		"Nimco", "Sahra", "Ubah", "Ifrah", "Idil", "Deeqa", "Hibaaq", "Sagal", "Farhiyo",
		"Ladan", "Naima", "Sucdi", "Ikran", "Hamdi", "Fartun", "Muna", "Shukri", "Safiya",
		"Ruqiya", "Filsan", "Anisa", "Nasteho",
	},
	Family: plain(
		"Mohamed", "Abdi", "Ahmed", "Hassan", "Ali", "Warsame", "Farah", "Osman", "Jama",
		"Omar", "Yusuf", "Hussein", "Ibrahim", "Aden", "Elmi", "Guled", "Nur", "Duale",
		"Mohamud", "Abdullahi", "Ismail", "Hirsi", "Egal", "Samatar", "Dahir", "Shire",
		"Barre", "Gedi", "Mire", "Isse", "Sheikh", "Olad",
	),
}
