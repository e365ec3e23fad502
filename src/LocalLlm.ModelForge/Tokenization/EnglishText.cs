namespace LocalLlm.ModelForge.Tokenization;

/// <summary>Plain English written for the training corpus, so that frequent English words and contractions get merges.</summary>
internal static class EnglishText
{
    public static readonly string[] CommonWords =
    [
        "the", "of", "and", "to", "in", "is", "you", "that", "it", "he", "was", "for", "on", "are", "as", "with", "his",
        "they", "I", "at", "be", "this", "have", "from", "or", "one", "had", "by", "word", "but", "not", "what", "all",
        "were", "we", "when", "your", "can", "said", "there", "use", "an", "each", "which", "she", "do", "how", "their",
        "if", "will", "up", "other", "about", "out", "many", "then", "them", "these", "so", "some", "her", "would",
        "make", "like", "him", "into", "time", "has", "look", "two", "more", "write", "go", "see", "number", "no", "way",
        "could", "people", "my", "than", "first", "water", "been", "call", "who", "its", "now", "find", "long", "down",
        "day", "did", "get", "come", "made", "may", "part", "user", "assistant", "system", "tool", "think", "answer",
    ];

    public static readonly string[] Paragraphs =
    [
        "The server answers every request with the same care. It reads the prompt, counts the tokens, and starts to "
            + "generate one token at a time until it reaches a stop word or the limit you set. If you ask for a stream, "
            + "each piece of text is sent as soon as it is ready, so the first words arrive long before the last ones.",
        "When the weather is cold, people stay inside and cook soup. A good soup needs water, salt, a few onions and "
            + "time. Let it simmer for an hour, taste it, and add what is missing. It's better the next day, when the "
            + "flavours have had a night to settle. Don't forget the bread!",
        "I've been told that the old bridge was built in 1887 by a team of forty workers. They'd carried every stone "
            + "from the quarry on the hill, and it took them three years. The bridge is still standing today; you can "
            + "walk across it and look down at the river, which is quiet in summer and loud in spring.",
        "You are a helpful assistant. Answer the user's question clearly and briefly. If you are not sure, say so. "
            + "When a tool would help, call it with the right arguments and wait for the result before you answer. "
            + "Think step by step, but keep the final answer short.",
        "What time is it in Paris? How far is the moon from the earth? Which planet has the most moons? These are the "
            + "kinds of questions people ask first, and they expect a quick, correct answer. We'll try our best, and "
            + "we'll say when we do not know.",
        "To install the package, download the archive, unpack it into a new folder and run the setup script. The "
            + "script checks your system, creates a configuration file and prints the address of the web page where "
            + "you can follow the progress. It should take less than five minutes on most machines.",
        "She looked at the map again. The road went north for twelve miles, then turned east along the coast. They "
            + "would need water, food for two days and a warm coat each, because the nights by the sea were cold even "
            + "in June. He said nothing, but he had already packed.",
        "Numbers matter: 3 apples and 4 pears make 7 pieces of fruit, 12 times 12 is 144, and 2024 was a leap year. "
            + "Prices went up by 5.5 percent, from 19.99 to 21.09, which is small for one item but large for a family "
            + "that buys the same things every week.",
    ];
}
